#!/usr/bin/python3
"""Writes the .npy files the NpyFile tests read, with NumPy itself (run once in this folder with /usr/bin/python3).

Every array holds value(i) = (i - 3) * 1.5 (truncated toward zero for integer types) in C order, so the tests know
the values without NumPy.
"""
import numpy as np

def values(shape, dtype):
    n = int(np.prod(shape))
    v = (np.arange(n) - 3) * 1.5
    if np.dtype(dtype).kind in "iu":
        v = np.trunc(v)
        if np.dtype(dtype).kind == "u":
            v = np.abs(v)
    return v.astype(dtype).reshape(shape)

np.save("f4_2x3.npy", values((2, 3), "<f4"))
np.save("f8_4.npy", values((4,), "<f8"))
np.save("i1_2x2.npy", values((2, 2), "i1"))
np.save("u1_5.npy", values((5,), "u1"))
np.save("i2_3.npy", values((3,), "<i2"))
np.save("i4_2x2x2.npy", values((2, 2, 2), "<i4"))
np.save("i8_3.npy", values((3,), "<i8"))
np.save("scalar_f4.npy", np.float32(2.5))
np.save("fortran_f4.npy", np.asfortranarray(values((2, 3), "<f4")))
np.save("big_endian_f4.npy", values((3,), ">f4"))
np.save("complex.npy", np.zeros(2, dtype=np.complex64))
with open("v2_f4_3.npy", "wb") as f:
    np.lib.format.write_array(f, values((3,), "<f4"), version=(2, 0))
