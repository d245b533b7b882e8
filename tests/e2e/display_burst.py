#!/usr/bin/python3
"""50 MONITORS_CONFIGs within 1 s through the real client; waits until every
one has a REPLY and prints JSON {"sent", "replies", "seconds", "last_success"}.
Usage: display_burst.py PORT FINAL_WxH"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.environ["VDA_SOURCE_DIR"], "tests", "rig"))
from spice_client import SpiceClient  # noqa: E402

port, final = int(sys.argv[1]), sys.argv[2]
fw, fh = (int(v) for v in final.split("x"))
c = SpiceClient(port)
c.connect()
c.wait_agent(30)
start = time.monotonic()
sizes = [(800 + 10 * i, 600 + 5 * i) for i in range(49)] + [(fw, fh)]
for w, h in sizes:
    c.monitors([(w, h, 0, 0)], wait_reply=False)
sent_s = time.monotonic() - start
c.wait_for(lambda: c.mc_replies >= c.mc_sent, 30, "all REPLYs")
replies = [e for e in c.events if e["event"] == "reply" and e["type"] == 2]
print(json.dumps({"sent": len(sizes), "send_seconds": round(sent_s, 3),
                  "replies": len(replies), "seconds": round(time.monotonic() - start, 3),
                  "last_success": replies[-1]["success"] if replies else None}))
