"""Is the card genuine? Passive authentication plus chip authentication, one verdict.

Each way a card can fail is a :class:`~apdu.problems.Problem`; the report keeps every
problem found and its verdict is the first (in :class:`~apdu.problems.Verdict` order)
among them: a security object that is not validly signed, a signer outside the trust
anchors, an expired signer, data that does not match its signed hash, a chip that
cannot prove it holds the key the issuer certified (a clone), data that does not
follow the profile. Nothing here raises on what a card returned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509

from apdu.passive_auth import passive_authentication
from apdu.problems import Problem, ProblemKind, SodPart, Verdict, verdict_of
from apdu.security_object import SodError, parse_sod

if TYPE_CHECKING:
    from apdu.reading import CardFiles

__all__ = ["AuthenticityReport", "Problem", "ProblemKind", "SodPart", "TrustAnchorError",
           "TrustAnchorProblem", "Verdict", "assess", "load_trust_anchors"]


@dataclass(frozen=True)
class AuthenticityReport:
    """What was checked and every problem found; the verdict follows from the problems."""

    problems: tuple[Problem, ...] = ()
    signer: str = ""  # the document signer's subject (RFC 4514), when the SOD parsed
    issuer: str = ""  # its issuer as the certificate names it (trusted or not)
    hash_algorithm: str = ""  # of the data-group hashes
    groups_checked: tuple[int, ...] = ()  # data groups compared with their signed hashes
    chip_authenticated: bool = False

    @property
    def verdict(self) -> Verdict:
        return verdict_of(self.problems)

    @property
    def genuine(self) -> bool:
        return not self.problems


class TrustAnchorProblem(Enum):
    UNREADABLE = "unreadable"  # the file or directory cannot be read
    NOT_A_CERTIFICATE = "not-a-certificate"  # a file holds no parseable certificate


class TrustAnchorError(ValueError):
    """The configured trust anchors cannot be loaded; ``path`` is the file at fault."""

    def __init__(self, path: Path, problem: TrustAnchorProblem) -> None:
        super().__init__(f"{path}: {problem.value}")
        self.path = path
        self.problem = problem


def load_trust_anchors(path: Path) -> list[x509.Certificate]:
    """Country signing CA certificates from a PEM file or a directory of PEM/DER files."""
    try:
        files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    except OSError as exc:
        raise TrustAnchorError(path, TrustAnchorProblem.UNREADABLE) from exc
    anchors: list[x509.Certificate] = []
    for file in files:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise TrustAnchorError(file, TrustAnchorProblem.UNREADABLE) from exc
        try:
            if b"-----BEGIN CERTIFICATE-----" in data:
                anchors.extend(x509.load_pem_x509_certificates(data))
            elif file.suffix.lower() in (".der", ".cer", ".crt"):
                anchors.append(x509.load_der_x509_certificate(data))
        except ValueError as exc:
            raise TrustAnchorError(file, TrustAnchorProblem.NOT_A_CERTIFICATE) from exc
    return anchors


def _by_verdict(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """Stable sort: the problem behind the verdict comes first."""
    order = list(Verdict)
    return tuple(sorted(problems, key=lambda p: order.index(p.verdict)))


def assess(
    files: CardFiles,
    anchors: list[x509.Certificate],
    chip_problems: Iterable[Problem] = (),
    chip_authenticated: bool = False,
    decode_problems: Iterable[Problem] = (),
    now: dt.datetime | None = None,
) -> AuthenticityReport:
    """Combine the reading, passive and chip authentication and decoding into one report."""
    now = now or dt.datetime.now(dt.UTC)
    problems = [slot for slot in (files.sod, *files.groups.values(), files.lifecycle)
                if isinstance(slot, Problem)]
    groups = {number: raw for number, raw in files.groups.items() if isinstance(raw, bytes)}
    signer = issuer = hash_algorithm = ""
    checked: tuple[int, ...] = ()
    if isinstance(files.sod, bytes):
        try:
            sod = parse_sod(files.sod)
        except SodError as exc:
            problems.append(exc.problem)
        else:
            passive = passive_authentication(sod, groups, anchors, now)
            problems += passive.problems
            signer, issuer = sod.signer.subject, sod.signer.issuer
            hash_algorithm, checked = sod.hash_algorithm, passive.groups_checked
    problems += [*chip_problems, *decode_problems]
    if not chip_authenticated and not problems:
        problems.append(Problem(ProblemKind.CHIP_AUTH_FAILED))  # fail closed
    return AuthenticityReport(_by_verdict(problems), signer, issuer, hash_algorithm, checked,
                              chip_authenticated)
