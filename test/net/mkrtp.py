#!/usr/bin/env python3
# mkrtp.py OUT.pcap SECONDS - a G.711 u-law (PCMU, payload type 0) RTP
# stream for SIPp's play_pcap_audio: one 20 ms packet of 160 samples of a
# 440 Hz tone every 20 ms, Ethernet/IPv4/UDP to port 6000.  SIPp keeps
# only the UDP part: it sends each payload from its own media port to the
# port the peer's SDP gave (the capture's lowest port maps to it), with
# the capture's timing.  No third-party modules.
import math
import os
import struct
import sys

# the packet and pcap writers of the replay tests
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "replay"))
from mkpcap import Pcap, udp_packet  # noqa: E402

RATE = 8000
PTIME_MS = 20
SAMPLES = RATE * PTIME_MS // 1000


def ulaw(sample):
    """ITU-T G.711 u-law of one 16-bit linear sample."""
    bias, clip = 0x84, 32635
    sign = 0x80 if sample < 0 else 0
    if sample < 0:
        sample = -sample
    sample = min(sample, clip) + bias
    exp = 7
    mask = 0x4000
    while exp > 0 and not sample & mask:
        exp -= 1
        mask >>= 1
    mant = (sample >> (exp + 3)) & 0x0F
    return ~(sign | exp << 4 | mant) & 0xFF


def main(out, seconds):
    n = int(seconds * 1000 / PTIME_MS)
    pc = Pcap(out)
    for i in range(n):
        samples = bytes(ulaw(int(8000 * math.sin(2 * math.pi * 440 * (i * SAMPLES + k) / RATE)))
                        for k in range(SAMPLES))
        rtp = struct.pack("!BBHII", 0x80, (0x80 if i == 0 else 0), i & 0xFFFF,
                          (i * SAMPLES) & 0xFFFFFFFF, 0x766F6970) + samples
        pc.add(udp_packet("192.0.2.1", 6000, "192.0.2.2", 6000, rtp),
               dt=PTIME_MS / 1000)
    pc.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: mkrtp.py OUT.pcap SECONDS")
    main(sys.argv[1], float(sys.argv[2]))
