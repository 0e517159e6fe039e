"""The command line's sentences about whether a card is genuine, and why not.

Part of the CLI's one wording place (``words.py`` merges this catalog into its own).
Fields: {group} a data-group number, {part} where in the security object, {algorithm},
{until}/{valid_from} dates, {sw} the card's status word, {field} a data object.
"""

from __future__ import annotations

CARD: dict[str, tuple[str, str]] = {
    "Verdict.DATA_MALFORMED": ("NOT GENUINE: the card's data does not follow the card profile",
                               "جعلی: داده‌های کارت با قالب کارت ملی نمی‌خواند"),
    "ProblemKind.SOD_MALFORMED": ("the security object is malformed ({part})",
                                  "دادهٔ امنیتی کارت ساختار نادرستی دارد ({part})"),
    "ProblemKind.WEAK_HASH": ("the security object uses a weak algorithm ({algorithm}, {part})",
                              "دادهٔ امنیتی الگوریتم ضعیفی دارد ({algorithm}، {part})"),
    "ProblemKind.UNSUPPORTED_ALGORITHM": ("an unknown algorithm in the security object "
                                          "({algorithm}, {part})",
                                          "الگوریتم ناشناخته در دادهٔ امنیتی ({algorithm}، {part})"),
    "ProblemKind.CONTENT_TYPE_MISMATCH": ("the signed content is not the card's security object",
                                          "محتوای امضاشده دادهٔ امنیتی کارت نیست"),
    "ProblemKind.MESSAGE_DIGEST_MISMATCH": ("the signed digest does not match the content",
                                            "چکیدهٔ امضاشده با محتوا نمی‌خواند"),
    "ProblemKind.SIGNATURE_INVALID": ("the document signer's signature does not verify",
                                      "امضای امضاکنندهٔ سند تأیید نمی‌شود"),
    "ProblemKind.SIGNER_NOT_TRUSTED": ("the document signer is not issued by a trusted CSCA",
                                       "امضاکنندهٔ سند از مرجع مورد اعتماد گواهی ندارد"),
    "ProblemKind.TRUST_ANCHOR_EXPIRED": ("the trusted CSCA certificate expired on {until}",
                                         "گواهی مرجع مورد اعتماد در {until} منقضی شده"),
    "ProblemKind.TRUST_ANCHOR_NOT_YET_VALID": ("the trusted CSCA certificate is valid only "
                                               "from {valid_from}",
                                               "گواهی مرجع مورد اعتماد از {valid_from} معتبر است"),
    "ProblemKind.SIGNER_EXPIRED": ("the document signer certificate is not valid now "
                                   "(until {until})",
                                   "گواهی امضاکنندهٔ سند اکنون معتبر نیست (تا {until})"),
    "ProblemKind.SIGNER_NOT_YET_VALID": ("the document signer certificate is valid only from "
                                         "{valid_from}",
                                         "گواهی امضاکنندهٔ سند از {valid_from} معتبر است"),
    "ProblemKind.GROUP_HASH_MISMATCH": ("DG{group} does not match its signed hash",
                                        "DG{group} با چکیدهٔ امضاشده‌اش نمی‌خواند"),
    "ProblemKind.GROUP_NOT_SIGNED": ("DG{group} is not covered by the security object",
                                     "DG{group} در دادهٔ امنیتی نیامده است"),
    "ProblemKind.CHIP_KEY_MALFORMED": ("the chip's public key (DG15) is malformed",
                                       "کلید عمومی تراشه (DG۱۵) ساختار نادرستی دارد"),
    "ProblemKind.CHIP_KEY_UNSUPPORTED": ("the chip's key is of an unknown kind ({algorithm})",
                                         "نوع کلید تراشه ناشناخته است ({algorithm})"),
    "ProblemKind.CHIP_AUTH_REFUSED": ("the chip refused to prove its key (status {sw})",
                                      "تراشه از اثبات کلید خود سر باز زد (وضعیت {sw})"),
    "ProblemKind.CHIP_AUTH_MALFORMED": ("the chip's proof is malformed",
                                        "پاسخ اثبات تراشه ساختار نادرستی دارد"),
    "ProblemKind.CHIP_AUTH_FAILED": ("the chip could not prove it holds the certified chip key",
                                     "تراشه نتوانست نشان دهد کلید گواهی‌شده را دارد"),
    "ProblemKind.GROUP_MISSING": ("the card would not give DG{group} (status {sw})",
                                  "کارت DG{group} را نداد (وضعیت {sw})"),
    "ProblemKind.GROUP_MALFORMED": ("DG{group} does not decode ({field})",
                                    "DG{group} خوانا نیست ({field})"),
    "ProblemKind.LIFECYCLE_MALFORMED": ("the card's state could not be read",
                                        "وضعیت کارت خوانده نشد"),
    "trust.unreadable": ("cannot read trust anchors from {path}",
                         "مرجع اعتماد در {path} خوانا نیست"),
    "trust.not-a-certificate": ("{path} holds no certificate", "در {path} گواهی‌ای نیست"),
}
