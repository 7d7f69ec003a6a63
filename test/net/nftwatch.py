#!/usr/bin/env python3
# nftwatch.py - when the pinholes of table inet voipfw come and go, and
# when media last passed them, timed to a few milliseconds even where
# starting a process is slow.
#
#   nftwatch.py OUT READY [INTERVAL_MS]
#       in the current network namespace, every INTERVAL_MS (default 20)
#       list table inet voipfw and append "NS ELEMENTS PACKETS" to OUT
#       whenever either number changes: ELEMENTS, how many elements the
#       pinhole sets hold ("expires" in their blocks of the listing, as
#       lab_elements counts them); PACKETS, the sum of the counters of the rules that
#       admit media through them ("@pinhole... @th"); -1 -1 while the
#       table is absent.  NS: CLOCK_REALTIME in nanoseconds, as date +%s%N
#       and SIPp's message traces.  Touch READY after the first look.
#
# Why not a loop of "nft list" in the shell: under qemu TCG (scripts/vm)
# every process start costs 200-800 ms, so such a loop cannot time a
# pinhole that closes in 20 ms; one listing through libnftables (ctypes,
# the library nft itself uses, no extra package) costs about 4 ms there.
import ctypes
import re
import sys
import time

EXPIRES = re.compile(rb"expires [0-9]")
# a set's block in the listing: only the pinhole sets count (the SIP
# meters, block lists and bans hold elements with timeouts too)
SET_BLOCK = re.compile(rb"\n\tset (\S+) \{(.*?)\n\t\}", re.S)
MEDIA_RULE = re.compile(rb" @pinhole\S* .*@th.* counter packets ([0-9]+) ")


def main(argv):
    if len(argv) not in (3, 4):
        sys.exit("usage: nftwatch.py OUT READY [INTERVAL_MS]")
    interval = (float(argv[3]) if len(argv) > 3 else 20.0) / 1000.0
    lib = ctypes.CDLL("libnftables.so.1")
    lib.nft_ctx_new.restype = ctypes.c_void_p
    lib.nft_ctx_new.argtypes = [ctypes.c_uint32]
    for f in ("nft_ctx_buffer_output", "nft_ctx_buffer_error"):
        getattr(lib, f).argtypes = [ctypes.c_void_p]
    lib.nft_ctx_get_output_buffer.restype = ctypes.c_char_p
    lib.nft_ctx_get_output_buffer.argtypes = [ctypes.c_void_p]
    lib.nft_run_cmd_from_buffer.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    ctx = lib.nft_ctx_new(0)
    if not ctx:
        sys.exit("nftwatch: nft_ctx_new failed")
    lib.nft_ctx_buffer_output(ctx)
    lib.nft_ctx_buffer_error(ctx)
    out = open(argv[1], "a", buffering=1)
    last = None
    while True:
        if lib.nft_run_cmd_from_buffer(ctx, b"list table inet voipfw") == 0:
            text = lib.nft_ctx_get_output_buffer(ctx) or b""
            now = (sum(len(EXPIRES.findall(body))
                       for name, body in SET_BLOCK.findall(text)
                       if name.startswith(b"pinhole")),
                   sum(int(n) for n in MEDIA_RULE.findall(text)))
        else:
            now = (-1, -1)
        if now != last:
            out.write("%d %d %d\n" % (time.time_ns(), now[0], now[1]))
            if last is None:
                open(argv[2], "w").close()
            last = now
        time.sleep(interval)


if __name__ == "__main__":
    main(sys.argv)
