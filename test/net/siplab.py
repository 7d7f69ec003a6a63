#!/usr/bin/env python3
# siplab.py - the SIP ends of test/net/attack.sh that SIPp cannot play
# cheaply: a registrar and answering PBX, a NAT'd office of phones, a
# trusted peer PBX.  Digest authentication is RFC 2617 MD5 without qop
# (what SIPVicious svcrack and most phones do).
#
#   siplab.py pbx ADDR LOG READY
#       listen on ADDR:5060 (UDP); one line "SRC METHOD TO-USER STATUS"
#       per request in LOG; touch READY once bound.  Users: ext 100-199
#       (password "secret<ext>", except 100: "7531"), office 200-249
#       (password "office<ext>"), "trunk" ("trunkpw").  REGISTER without
#       credentials: 401 with a challenge (any nonce is accepted later:
#       stateless); right credentials: 200; wrong: 401 and a new
#       challenge (Asterisk's and Kamailio's answer); unknown user: 404.
#       INVITE to "pbx" or a user: 100 and 200 with an SDP answer (audio
#       on 16000); unknown: 404.  ACK: nothing; BYE, CANCEL, OPTIONS: 200.
#   siplab.py office ADDR PBX PHONES CALLS OUT
#       PHONES phones behind one address (ADDR, ports 5100 on), users
#       200..: each REGISTERs (challenge, credentials, 200), then CALLS
#       calls (INVITE, 200, ACK, BYE, 200) each, the phones at once, a
#       retransmission after 0.5 s and 1.5 s (RFC 3261 timer A); prints
#       "registered N calls N failed N" to OUT and stdout
#   siplab.py trunk ADDR PBX OPTIONS BADREG OUT
#       a peer PBX: OPTIONS keepalives, OPTIONS at once (20 a second),
#       then BADREG REGISTERs as "trunk" with a wrong password (challenge,
#       then wrong credentials: 401); prints "options N/N badreg N/N"
#       (answered / sent) to OUT and stdout
import hashlib
import os
import random
import select
import socket
import sys
import time

REALM = "voipfw-lab"


def users():
    u = {"trunk": "trunkpw"}
    for e in range(100, 200):
        u[str(e)] = "secret%d" % e
    u["100"] = "7531"
    for e in range(200, 250):
        u[str(e)] = "office%d" % e
    return u


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def digest(user, pw, method, uri, nonce):
    return md5("%s:%s:%s" % (md5("%s:%s:%s" % (user, REALM, pw)), nonce,
                             md5("%s:%s" % (method, uri))))


def headers(msg):
    """first line, {lower-case name: [values]} (compact forms expanded)"""
    head = msg.split("\r\n\r\n", 1)[0].split("\r\n")
    compact = {"v": "via", "f": "from", "t": "to", "i": "call-id",
               "m": "contact", "l": "content-length"}
    h = {}
    for line in head[1:]:
        if ":" not in line:
            continue
        n, v = line.split(":", 1)
        n = n.strip().lower()
        h.setdefault(compact.get(n, n), []).append(v.strip())
    return head[0], h


def uri_user(v):
    """the user part of the URI in a From/To value"""
    s = v.split("<", 1)[1].split(">", 1)[0] if "<" in v else v.split(";")[0]
    s = s.split(":", 1)[1] if ":" in s else s
    return s.split("@", 1)[0] if "@" in s else ""


def auth_params(v):
    p = {}
    for part in v.split(" ", 1)[1].split(","):
        if "=" in part:
            k, val = part.split("=", 1)
            p[k.strip().lower()] = val.strip().strip('"')
    return p


def pbx(addr, log, ready):
    known = users()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    sock.bind((addr, 5060))
    out = open(log, "a", buffering=1)
    open(ready, "w").close()
    while True:
        data, src = sock.recvfrom(65535)
        try:
            msg = data.decode("utf-8", "replace")
            first, h = headers(msg)
            parts = first.split(" ")
            if len(parts) < 3 or parts[2] != "SIP/2.0":
                continue	# an answer or junk
            method = parts[0]
            to = h.get("to", [""])[0]
            user = uri_user(to)
            status, extra, body = answer(known, method, parts[1], user, h)
        except (IndexError, KeyError, ValueError):
            continue
        out.write("%s %s %s %d\n" % (src[0], method, user or "-", status))
        if status == 0:
            continue
        tag = md5(h.get("call-id", [""])[0])[:10]
        if method == "INVITE" and status == 200:
            sock.sendto(reply(h, to, 100, [], ""), src)
        if ";tag=" not in to:
            to += ";tag=" + tag
        if method == "INVITE" and status == 200:
            extra = extra + ["Contact: <sip:pbx@%s:5060>" % addr]
        sock.sendto(reply(h, to, status, extra, body), src)


def reply(h, to, status, extra, body):
    """the answer to the request of headers h, bytes"""
    r = ["SIP/2.0 %d %s" % (status, REASONS[status])]
    r += ["Via: " + v for v in h.get("via", [])]
    r += ["From: " + h.get("from", [""])[0], "To: " + to,
          "Call-ID: " + h.get("call-id", [""])[0],
          "CSeq: " + h.get("cseq", [""])[0]]
    r += extra
    r.append("Content-Length: %d" % len(body))
    return ("\r\n".join(r) + "\r\n\r\n" + body).encode()


REASONS = {100: "Trying", 200: "OK", 401: "Unauthorized", 404: "Not Found"}


def answer(known, method, ruri, user, h):
    """(status, extra headers, body) for one request; status 0: none"""
    challenge = ['WWW-Authenticate: Digest realm="%s", nonce="%s", '
                 'algorithm=MD5' % (REALM, "%016x" % random.getrandbits(64))]
    if method == "REGISTER":
        if user not in known:
            return 404, [], ""
        a = h.get("authorization", [None])[0]
        if a is None:
            return 401, challenge, ""
        p = auth_params(a)
        want = digest(p.get("username", ""), known.get(p.get("username"), ""),
                      "REGISTER", p.get("uri", ""), p.get("nonce", ""))
        if p.get("username") == user and p.get("response") == want:
            c = h.get("contact", ["<sip:%s@0.0.0.0>" % user])[0]
            return 200, ["Contact: %s;expires=300" % c.split(";")[0]], ""
        return 401, challenge, ""
    if method == "INVITE":
        if user != "pbx" and user not in known:
            return 404, [], ""
        sdp = ("v=0\r\no=pbx 1 1 IN IP4 10.10.2.2\r\ns=-\r\n"
               "c=IN IP4 10.10.2.2\r\nt=0 0\r\nm=audio 16000 RTP/AVP 0\r\n"
               "a=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n")
        return 200, ["Content-Type: application/sdp"], sdp
    if method == "ACK":
        return 0, [], ""
    return 200, [], ""


class Phone:
    """one UDP end: requests with retransmissions, answers by CSeq"""

    def __init__(self, addr, port, pbx_addr, user):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((addr, port))
        self.addr, self.port, self.pbx, self.user = addr, port, pbx_addr, user
        self.cseq = 0

    def request(self, method, ruri, to_user, callid, extra="", body="",
                to_tag=""):
        self.cseq += 1
        branch = "z9hG4bK%x" % random.getrandbits(48)
        msg = ("%s %s SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=%s\r\n"
               "Max-Forwards: 70\r\nFrom: <sip:%s@%s>;tag=%s\r\n"
               "To: <sip:%s@%s>%s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n"
               "Contact: <sip:%s@%s:%d>\r\nUser-Agent: lab-phone/1.0\r\n%s"
               "Content-Length: %d\r\n\r\n%s") % (
            method, ruri, self.addr, self.port, branch, self.user, self.pbx,
            md5(callid)[:8], to_user, self.pbx,
            ";tag=" + to_tag if to_tag else "", callid, self.cseq, method,
            self.user, self.addr, self.port, extra, len(body), body)
        return msg, self.cseq

    def transact(self, msg, cseq, final=True):
        """send, retransmit, return the final answer's (status, headers)"""
        if not final:
            self.sock.sendto(msg.encode(), (self.pbx, 5060))
            return 0, {}
        for wait in (0.5, 1.0, 2.0, 4.0):
            self.sock.sendto(msg.encode(), (self.pbx, 5060))
            end = time.time() + wait
            while time.time() < end:
                r, _, _ = select.select([self.sock], [], [], end - time.time())
                if not r:
                    break
                first, h = headers(self.sock.recv(65535).decode("utf-8", "replace"))
                st = int(first.split(" ")[1])
                if st >= 200 and h.get("cseq", ["0"])[0].split(" ")[0] == str(cseq):
                    return st, h
        return None, {}

    def register(self):
        ruri = "sip:%s" % self.pbx
        callid = "reg-%s-%x" % (self.user, random.getrandbits(32))
        msg, cseq = self.request("REGISTER", ruri, self.user, callid,
                                 "Expires: 300\r\n")
        st, h = self.transact(msg, cseq)
        if st != 401:
            return st == 200
        p = auth_params(h["www-authenticate"][0])
        resp = digest(self.user, self.password, "REGISTER", ruri, p["nonce"])
        a = ('Authorization: Digest username="%s", realm="%s", nonce="%s", '
             'uri="%s", response="%s", algorithm=MD5\r\n') % (
            self.user, REALM, p["nonce"], ruri, resp)
        msg, cseq = self.request("REGISTER", ruri, self.user, callid,
                                 "Expires: 300\r\n" + a)
        st, _ = self.transact(msg, cseq)
        return st

    def call(self, to_user):
        ruri = "sip:%s@%s" % (to_user, self.pbx)
        callid = "call-%s-%x" % (self.user, random.getrandbits(32))
        sdp = ("v=0\r\no=%s 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
               "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n") % (
            self.user, self.addr, self.addr, 20000 + self.port % 1000 * 2)
        msg, cseq = self.request("INVITE", ruri, to_user, callid,
                                 "Content-Type: application/sdp\r\n", sdp)
        st, h = self.transact(msg, cseq)
        if st != 200:
            return False
        tag = h["to"][0].split(";tag=", 1)[1].split(";")[0]
        self.cseq -= 1		# ACK: the INVITE's CSeq number
        msg, _ = self.request("ACK", ruri, to_user, callid, to_tag=tag)
        self.transact(msg, 0, final=False)
        time.sleep(0.2)
        msg, cseq = self.request("BYE", ruri, to_user, callid, to_tag=tag)
        st, _ = self.transact(msg, cseq)
        return st == 200


def office(addr, pbx_addr, n, calls, out):
    import threading
    known = users()
    res = {"registered": 0, "calls": 0, "failed": 0}
    lock = threading.Lock()

    def run(i):
        p = Phone(addr, 5100 + i, pbx_addr, str(200 + i))
        p.password = known[p.user]
        ok = p.register() == 200
        done = 0
        if ok:
            time.sleep(random.random())	# the calls of an office day
            for _ in range(calls):
                done += p.call(str(100 + (i % 50) + 50))
        with lock:
            res["registered"] += ok
            res["calls"] += done
            res["failed"] += (not ok) + calls - done

    ts = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    line = "registered %(registered)d calls %(calls)d failed %(failed)d" % res
    open(out, "w").write(line + "\n")
    print(line)


def trunk(addr, pbx_addr, options, badreg, out):
    p = Phone(addr, 5070, pbx_addr, "trunk")
    p.password = "wrong"
    answered = 0
    for i in range(options):
        msg, cseq = p.request("OPTIONS", "sip:%s" % pbx_addr, "pbx",
                              "opt-%x" % random.getrandbits(32))
        st, _ = p.transact(msg, cseq)
        answered += st == 200
        time.sleep(0.05)
    bad = 0
    for i in range(badreg):
        bad += p.register() == 401
    line = "options %d/%d badreg %d/%d" % (answered, options, bad, badreg)
    open(out, "w").write(line + "\n")
    print(line)


def main(argv):
    if len(argv) == 4 and argv[0] == "pbx":
        pbx(argv[1], argv[2], argv[3])
    elif len(argv) == 6 and argv[0] == "office":
        office(argv[1], argv[2], int(argv[3]), int(argv[4]), argv[5])
    elif len(argv) == 6 and argv[0] == "trunk":
        trunk(argv[1], argv[2], int(argv[3]), int(argv[4]), argv[5])
    else:
        sys.stderr.write(__doc__ if __doc__ else "usage: see siplab.py\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
