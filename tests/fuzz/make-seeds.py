#!/usr/bin/env python3
"""Writes the hand-made seeds of tests/fuzz/corpus/<target>/seed-*: scenarios written in the
input format of tests/fuzz/harness.hpp, the same bytes for every format (addresses are
relative to the format's page sizes and windows).

    python3 tests/fuzz/make-seeds.py          # (re)writes the seed-* files

Input format: a header byte (bit 0: adopt boot tables, bit 1: the second table's create
fails once, bits 2-3: boot regions - 1), the boot regions (8 bytes each, the bytes of an
operation after its opcode), then operations of 9 bytes:
  opcode  kind (0 map, 1 map_region, 2 map_linear, 3 remap, 4 protect, 5 protect_region,
          6 unmap, 7 unmap_region, 8 query, 9 copy_from, 10 flush) | 0x20 fault | 0x40 keep
          the cursor open | 0x80 on the second table (K)
  window  anchor (0-15) | unit << 4 | mode << 6 (0 anchor + offset * unit, 2 an existing
          mapping: offset's low byte picks the run, its high byte moves * unit, 3 half a
          page off)
  offset  16 bits, little endian
  size    count (0-63; for map an index into the leaf sizes) | adjust << 6 (1 +page,
          2 -page, 3 +half a page)
  mode    size unit (0 page, 1 smallest huge, 2 largest leaf, 3 root entry) | pa mode << 2
          (0 +param*largest, 1 +param*huge, 2 +param*page, 3 absolute, 4 top of the physical
          range, 5 scattered, 6 misaligned, 7 wrapping) | 0x20 huge pages allowed
  param   pa parameter
  flags   read 1, write 2, execute 4, user 8, device 16, uncached 32, global 64 | 0x80 as is
          (else made acceptable)
  fault   the (1 + fault % 8)-th allocation fails when the opcode has 0x20
"""
import os
import struct

TARGETS = ["x86_64", "aarch64_el1", "aarch64_el2", "arm", "sv39", "sv48", "loongarch64"]

(MAP, MAP_REGION, MAP_LINEAR, REMAP, PROTECT, PROTECT_REGION, UNMAP, UNMAP_REGION, QUERY,
 COPY_FROM, FLUSH) = range(11)
FAULT, KEEP, ON_K = 0x20, 0x40, 0x80
PAGE, HUGE, LARGEST, ROOT = range(4)
# anchors
A_ZERO, A_HUGE, A_LARGEST, A_ROOT, A_1G, A_4G, A_HOLE, A_HIGH, A_2_63, A_TOP_LARGEST, \
    A_HOLE_ROOT, A_2ROOT, A_2_39, A_HIGH_ROOT, A_4LARGEST, A_TOP_ROOT = range(16)
R, W, X, U, DEV, UC, G, RAW = 1, 2, 4, 8, 16, 32, 64, 0x80


def args(anchor=0, unit=PAGE, offset=0, count=1, size_unit=PAGE, adjust=0, pa_mode=0,
         param=0, huge=False, flags=R | W, fault=0, mode=0):
    return bytes([anchor | unit << 4 | mode << 6]) + struct.pack("<H", offset & 0xffff) + bytes([
        count | adjust << 6, size_unit | pa_mode << 2 | (0x20 if huge else 0), param, flags,
        fault])


def run_args(run=0, move=0, unit=PAGE, **kw):
    """An operation on the run-th mapping of the table, moved by move * unit."""
    return args(mode=2, unit=unit, offset=(run & 0xff) | ((move & 0xff) << 8), **kw)


def op(kind, opf=0, **kw):
    """An operation; opf: FAULT, KEEP, ON_K."""
    return bytes([kind | opf]) + args(**kw)


def run_op(kind, opf=0, **kw):
    return bytes([kind | opf]) + run_args(**kw)


SEEDS = {
    # A region from 3 pages below a largest-page boundary over two huge pages; then split it
    # by protect, unmap a hole, remap and unmap single pages, unmap the rest.
    "huge-map-split-unmap": bytes([0]) +
        op(MAP_REGION, anchor=A_LARGEST, unit=PAGE, offset=-3, count=3, size_unit=HUGE,
           pa_mode=0, param=1, huge=True) +
        run_op(PROTECT_REGION, run=0, move=4, count=1, size_unit=HUGE, flags=R) +
        run_op(UNMAP_REGION, run=0, move=5, count=2) +
        run_op(UNMAP, run=1) +
        run_op(REMAP, run=0, pa_mode=3, param=0x41, flags=R | X) +
        run_op(PROTECT, run=1, flags=R | W | G) +
        run_op(UNMAP_REGION, run=0, count=0) +
        run_op(UNMAP_REGION, run=0, count=0),
    # map_linear of a largest page and pages around it, without and with huge pages.
    "linear-huge-and-small": bytes([0]) +
        op(MAP_LINEAR, anchor=A_LARGEST, offset=-1, unit=HUGE, count=2, size_unit=LARGEST,
           adjust=1, pa_mode=0, param=2, huge=True, flags=R | W | G) +
        op(MAP_LINEAR, anchor=A_4LARGEST, count=9, size_unit=PAGE, pa_mode=1, param=3) +
        run_op(PROTECT_REGION, run=0, move=1, count=1, size_unit=HUGE, flags=R | X) +
        run_op(UNMAP_REGION, run=1, count=0) +
        op(QUERY, anchor=A_LARGEST),
    # Boot tables with two regions, adopted; map next to them, split a boot huge page, unmap a
    # whole boot region (its tables are unlinked, never freed).
    "adopt-boot-tables": bytes([0x01 | 1 << 2]) +
        args(anchor=A_HUGE, count=4, size_unit=HUGE, pa_mode=0, param=0, huge=True,
             flags=R | W | G) +
        args(anchor=A_ZERO, offset=16, count=8, size_unit=PAGE, pa_mode=2, param=5,
             flags=R | X) +
        op(MAP, anchor=A_ZERO, offset=64, count=0, pa_mode=2, param=7) +
        run_op(UNMAP_REGION, run=1, move=3, count=1) +
        run_op(PROTECT_REGION, run=2, count=2, flags=R) +
        run_op(UNMAP_REGION, run=0, count=0) +
        run_op(UNMAP_REGION, run=0, count=0),
    # The second table maps high and low; the first borrows its root entries; calls that touch
    # borrowed entries are refused; the first maps elsewhere.
    "copy-from": bytes([0x02]) +
        op(MAP_LINEAR, opf=ON_K, anchor=A_HIGH, count=2, size_unit=HUGE, pa_mode=0, param=1,
           huge=True) +
        op(MAP, opf=ON_K, anchor=A_ROOT, offset=3, count=0, pa_mode=2, param=1) +
        op(COPY_FROM, anchor=A_HIGH, count=1, size_unit=ROOT) +
        op(COPY_FROM, anchor=A_ROOT, count=2, size_unit=ROOT) +
        op(MAP, anchor=A_ROOT, offset=5, count=0) +
        op(UNMAP_REGION, anchor=A_HIGH, count=1, size_unit=HUGE) +
        op(MAP, anchor=A_ZERO, offset=5, count=0) +
        op(QUERY, anchor=A_HIGH),
    # Every allocation of a map_region, a split and a create fails once.
    "faults": bytes([0x02]) +
        op(MAP_REGION, opf=FAULT, fault=0, anchor=A_LARGEST, offset=-2, count=4,
           size_unit=PAGE, pa_mode=0, param=1, huge=True) +
        op(MAP_REGION, opf=FAULT, fault=2, anchor=A_4LARGEST, count=1, size_unit=LARGEST,
           pa_mode=0, param=1, huge=True) +
        run_op(UNMAP_REGION, opf=FAULT, fault=1, run=1, move=7, count=1) +
        run_op(PROTECT_REGION, opf=FAULT, fault=0, run=1, move=1, unit=HUGE, count=1,
               flags=R) +
        op(MAP_LINEAR, opf=FAULT, fault=1, anchor=A_HOLE_ROOT, count=3, size_unit=PAGE),
    # One cursor across many calls: maps then unmaps that empty tables (retired tables wait
    # for the flush, more than a batch of them).
    "batched-cursor": bytes([0]) +
        b"".join(op(MAP, opf=KEEP, anchor=A_ZERO, unit=HUGE, offset=2 * i, count=0,
                    pa_mode=2, param=i) for i in range(20)) +
        b"".join(op(UNMAP, opf=KEEP, anchor=A_ZERO, unit=HUGE, offset=2 * i)
                 for i in range(20)) +
        op(FLUSH),
    # The edges of the address space: the last page, the last page below the hole, the first
    # above it, a non-canonical address, a range that wraps, a pa past the format's range.
    "edges": bytes([0]) +
        op(MAP, anchor=A_ZERO, offset=-1, count=0, pa_mode=3, param=9) +
        op(MAP, anchor=A_HOLE, offset=-1, count=0, pa_mode=3, param=10) +
        op(MAP, anchor=A_HIGH, offset=0, count=0, pa_mode=3, param=11) +
        op(MAP, anchor=A_HOLE, offset=0, count=0) +
        op(MAP_LINEAR, anchor=A_ZERO, offset=-1, count=2) +
        op(MAP_LINEAR, anchor=A_ZERO, count=2, pa_mode=4, param=0) +
        op(MAP_REGION, anchor=A_TOP_LARGEST, count=1, size_unit=LARGEST, pa_mode=0, huge=True) +
        op(UNMAP_REGION, anchor=A_ZERO, offset=-1, count=0, adjust=2) +
        op(QUERY, anchor=A_2_63),
    # Flags a format widens or refuses.
    "flags": bytes([0]) +
        op(MAP, anchor=A_ZERO, offset=1, count=0, flags=RAW | W) +
        op(MAP, anchor=A_ZERO, offset=2, count=0, flags=RAW | X) +
        op(MAP, anchor=A_ZERO, offset=3, count=0, flags=RAW) +
        op(MAP, anchor=A_ZERO, offset=4, count=0, flags=RAW | R | DEV | UC) +
        op(MAP, anchor=A_ZERO, offset=5, count=0, flags=RAW | R | U) +
        run_op(PROTECT, run=0, flags=RAW | W | X) +
        run_op(PROTECT_REGION, run=0, count=1, flags=RAW | G),
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for target in TARGETS:
        d = os.path.join(here, "corpus", target)
        os.makedirs(d, exist_ok=True)
        for name, data in SEEDS.items():
            with open(os.path.join(d, "seed-" + name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
