#!/usr/bin/python3
"""audio_client.py PORT [--linger S] - the rig's spice-gtk client with audio on.

spice-gtk sends AUDIO_VOLUME_SYNC itself, once per connection, when the agent
announced the capability and its audio backend (GStreamer) can report the
playback and record volume; the volume it reports is its sink's, which follows
the volume and mute the host set on the playback/record channels (spice-host
--audio). This connects with `enable-audio`, waits for the agent, lingers so
the sync goes out, and prints one JSON line: the agent's caps and the volume
and mute the client's playback and record channels hold."""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rig"))
import spice_client  # noqa: E402
from spice_client import GObject, SpiceClientGLib, SpiceClient  # noqa: E402


class AudioClient(SpiceClient):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.audio = None
        self.channels = {}

    def connect(self, timeout=30):
        self.session = SpiceClientGLib.Session()
        self.session.set_property("host", self.host)
        self.session.set_property("port", str(self.port))
        self.session.set_property("enable-audio", True)
        # The backend must exist before the channels come: it takes them.
        self.audio = SpiceClientGLib.Audio.get(self.session, None)
        if self.audio is None:
            raise spice_client.RigError("spice-gtk has no audio backend (GStreamer plugins?)")
        GObject.Object.connect(self.session, "channel-new", self._on_channel_new)
        GObject.Object.connect(self.session, "channel-new", self._on_audio_channel)
        if not self.session.connect():
            raise spice_client.RigError("spice_session_connect failed")
        self.wait_for(lambda: self.main is not None, timeout, "the main channel")
        return self

    def _on_audio_channel(self, session, channel):
        if isinstance(channel, SpiceClientGLib.PlaybackChannel):
            self.channels["playback"] = channel
        elif isinstance(channel, SpiceClientGLib.RecordChannel):
            self.channels["record"] = channel


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--linger", type=float, default=3.0)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--debug-log")
    args = ap.parse_args()
    c = AudioClient(args.port, debug_log=args.debug_log)
    try:
        c.connect(args.timeout)
        c.wait_agent(args.timeout)
        c.wait_for(lambda: len(c.channels) == 2, args.timeout, "the playback and record channels")
        c.iterate(args.linger)
        res = {"caps": c.caps()}
        for name, ch in c.channels.items():
            res[name] = {"nchannels": int(ch.get_property("nchannels")),
                         "mute": bool(ch.get_property("mute"))}
        print(json.dumps(res), flush=True)
    finally:
        c.disconnect()


if __name__ == "__main__":
    main()
