#!/usr/bin/env bash
# Audio volume sync end to end: real client, real server, the agent in Wine
# with a sound server (PulseAudio with a null sink, in a private runtime dir)
# so that Wine's mmdevapi has default render and capture endpoints.
#  - the real client sees AUDIO_VOLUME_SYNC (11) among the agent's caps;
#  - the real client sends it: spice-host --audio offers playback and record
#    channels, spice-gtk with audio on (GStreamer, into the same PulseAudio)
#    sends its playback and record volume and mute once per connection, and
#    the agent sets what the client sent on Wine's default render and capture
#    endpoints (compared with spice-gtk's own debug log: its sink reports
#    100 %, whatever the host set, at the moment it syncs);
#  - other values, 1..6 channels, written onto the port through spice-host's
#    --inject socket, reach the audio thread, which calls Wine's
#    IAudioEndpointVolume on the default endpoint of each direction: the
#    agent's log records each call's result;
#  - a burst of 30 ends at its last value; the agent stays connected;
#  - the volume is read back through IAudioEndpointVolume by a second process
#    (test_audio_probe) when Wine can report it. Wine 8.0 cannot (E_NOTIMPL,
#    and SetMute stays inside one interface object): then the test says so and
#    the COM calls are proven by win_test_audio_feature's fake;
#  - AudioVolumeSync = 0: the capability is gone and the service drops the
#    message.
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"
command -v pulseaudio >/dev/null || e2e_fail "pulseaudio missing: run scripts/bootstrap.sh"
command -v pactl >/dev/null || e2e_fail "pactl missing: run scripts/bootstrap.sh (pulseaudio-utils)"
[ -n "${VDA_AUDIO_PROBE:-}" ] || e2e_fail "VDA_AUDIO_PROBE is not set (run through ctest)"

# The sound server first: Wine's processes (the service, the agent) inherit
# XDG_RUNTIME_DIR from the prefix's boot, and winepulse finds the server there.
trap 'rig_cleanup' EXIT # until e2e_setup sets the full trap
rig_tmpdir >/dev/null
export XDG_RUNTIME_DIR="$RIG_TMP/xdg"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
pulseaudio -n --daemonize=no --exit-idle-time=-1 --use-pid-file=no \
  -L module-null-sink -L module-native-protocol-unix \
  --log-target=stderr </dev/null >"$RIG_TMP/pulseaudio.log" 2>&1 &
PA_PID=$!
rig_track "$PA_PID" pulseaudio
rig_wait_for 'pactl info >/dev/null 2>&1' 20 "PulseAudio to answer" \
  || { cat "$RIG_TMP/pulseaudio.log" >&2; e2e_fail "PulseAudio did not start"; }

e2e_setup --audio 32768,65535:mute
RIG_EXTRA_LOGS="$RIG_EXTRA_LOGS $RIG_TMP/pulseaudio.log"
e2e_reg add 'HKLM\SOFTWARE\SPICE Agent' /v LogLevel /t REG_SZ /d debug /f
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"
alog="$E2E_LOG_DIR/vdagent.log"
slog="$E2E_LOG_DIR/vdservice.log"

# --- the capability -----------------------------------------------------------
out=$(rig_client caps) || e2e_fail "client: $out"
rig_json '11 in j["caps"]' <<<"$out" >/dev/null \
  || e2e_fail "the client does not see AUDIO_VOLUME_SYNC: $out"
e2e_pass "the real client sees AUDIO_VOLUME_SYNC in the agent's capabilities"

# --- the real client sends its volume -------------------------------------------
# last_line playback|capture - the agent's last applied line for that direction.
last_line() { grep "audio: $1: " "$alog" | tail -1; }
gtk="$RIG_TMP/gtk-audio.log"
gone=$(e2e_count 'client disconnected' "$slog")
out=$("$RIG_PY" "$VDA_SOURCE_DIR/tests/e2e/audio_client.py" "$RIG_PORT" --debug-log "$gtk" \
  2>>"$RIG_TMP/client.log") || e2e_fail "audio client: $out"
echo "audio client: $out"
for dir in playback record; do
  sent=$(grep -o "audio_${dir}_volume_info_cb mute=[a-z]* nchannels=[0-9]* volume\[0\]=[0-9]*" "$gtk" |
    tail -1) || true
  [ -n "$sent" ] || e2e_fail "spice-gtk sent no $dir volume (see $gtk)"
  read -r mute n v < <(sed 's/.*mute=\([a-z]*\) nchannels=\([0-9]*\) volume\[0\]=\([0-9]*\)/\1 \2 \3/' <<<"$sent")
  agentdir=$([ "$dir" = playback ] && echo playback || echo capture)
  want=$("$RIG_PY" -c "print('%.4f' % ($v / 65535))")
  muteword=$([ "$mute" = yes ] && echo on || echo off)
  e2e_wait_count "audio: $agentdir: $n channel(s) onto" "$alog" 1 20 \
    || e2e_fail "the agent never applied the client's $dir volume ($sent)"
  line=$(last_line "$agentdir")
  grep -q "master $want .*mute $muteword set" <<<"$line" \
    || e2e_fail "$dir: the client sent $sent, the agent applied: $line"
  e2e_pass "spice-gtk sent $dir ${sent#*_cb }; the agent set it on Wine's $agentdir endpoint:" \
    "${line#*audio: }"
done

# Inject only once the server has told the guest that client left: bytes
# injected while the server writes its CLIENT_DISCONNECTED can break framing.
e2e_wait_count 'client disconnected' "$slog" $((gone + 1)) 20 \
  || e2e_fail "the service never heard that the audio client left"

# avs PLAYBACK MUTE V1 [V2...] - one AUDIO_VOLUME_SYNC as a port-1 chunk, hex.
avs() {
  "$RIG_PY" -c 'import struct, sys
a = [int(x) for x in sys.argv[1:]]
body = struct.pack("<BBB", a[0], a[1], len(a) - 2) + b"".join(struct.pack("<H", v) for v in a[2:])
msg = struct.pack("<IIQI", 1, 15, 0, len(body)) + body
sys.stdout.write((struct.pack("<II", 1, len(msg)) + msg).hex())' "$@"
}
inject_hex() {
  "$RIG_PY" "$RIG_DIR/spice_client.py" inject-raw --socket "$RIG_INJECT" --hex "$1" \
    >>"$RIG_TMP/client.log" 2>&1
}

# --- playback and capture reach Wine's endpoints -------------------------------
before=$(e2e_count 'audio: playback: ' "$alog")
inject_hex "$(avs 1 1 32768 65535)" || e2e_fail "inject failed"
e2e_wait_count 'audio: playback: ' "$alog" $((before + 1)) 20 \
  || e2e_fail "the agent never applied the playback volume"
line=$(last_line playback)
grep -q 'playback: 2 channel(s) onto .* master 1.0000' <<<"$line" \
  || e2e_fail "playback: not the loudest channel: $line"
grep -q 'mute on set' <<<"$line" || e2e_fail "playback: mute not set on the endpoint: $line"
grep -q 'no default playback endpoint' "$alog" && e2e_fail "Wine had no playback endpoint"
e2e_pass "playback: Wine's default render endpoint took the call: ${line#*audio: }"
# Wine 8.0's IAudioEndpointVolume: what it refused, as the agent logged it.
refused=$(grep -o 'playback [A-Za-z]* failed: [^;(]*' "$alog" | sort -u | paste -sd ',' -) || true
[ -n "$refused" ] && echo "Wine refused: $refused"

before=$(e2e_count 'audio: capture: ' "$alog")
inject_hex "$(avs 0 0 1000 2000 3000 4000 5000 6000)" || e2e_fail "inject failed"
e2e_wait_count 'audio: capture: ' "$alog" $((before + 1)) 20 \
  || e2e_fail "the agent never applied the capture volume"
line=$(last_line capture)
grep -q 'capture: 6 channel(s) onto .* master 0.0916' <<<"$line" \
  || e2e_fail "capture: not the loudest channel (6000): $line"
grep -q 'mute off set' <<<"$line" || e2e_fail "capture: mute not set: $line"
e2e_pass "capture: Wine's default capture endpoint took the call: ${line#*audio: }"

# --- a burst ends at its last value ---------------------------------------------
before=$(e2e_count 'audio: playback: ' "$alog")
hex=""
for i in $(seq 1 30); do hex+=$(avs 1 $((i == 30 ? 0 : 1)) $((i * 2000)) $((i * 2000))); done
inject_hex "$hex" || e2e_fail "inject failed"
rig_wait_for "last_line playback | grep -q 'master 0.9155 .*mute off'" 20 \
  "the burst's last value" || e2e_fail "the burst did not end at its last value"
applied=$(($(e2e_count 'audio: playback: ' "$alog") - before))
[ "$applied" -ge 1 ] && [ "$applied" -le 30 ] || e2e_fail "burst: $applied applications of 30"
e2e_pass "a burst of 30 ends at its last value (master 0.9155, unmuted): $applied application(s)"
e2e_client_sees_agent || e2e_fail "the client lost the agent after the audio messages"
e2e_pass "the agent stays connected"

# --- read back through IAudioEndpointVolume, from another process ----------------
cp "$VDA_AUDIO_PROBE" "$RIG_TMP/test_audio_probe.exe"
probe=$(timeout 60 wine "$RIG_TMP/test_audio_probe.exe" get playback 2>>"$RIG_WINE_LOG") || true
echo "probe: $probe"
if grep -q '^channels=' <<<"$probe"; then
  grep -q 'master=0.9155 mute=0' <<<"$probe" || e2e_fail "read back $probe, expected master 0.9155, unmuted"
  e2e_pass "read back through IAudioEndpointVolume: $probe"
else
  grep -q '0x80004001' <<<"$probe" || e2e_fail "the probe failed in an unexpected way: $probe"
  e2e_pass "Wine cannot report an endpoint's volume (IAudioEndpointVolume: E_NOTIMPL):" \
    "the values set are proven by win_test_audio_feature's fake"
fi

# --- AudioVolumeSync = 0 -----------------------------------------------------------
e2e_stop_service || e2e_fail "net stop spice-agent failed"
rig_wait_agent detached 10 || e2e_fail "port still open after the service stopped"
e2e_reg add 'HKLM\SOFTWARE\SPICE Agent' /v AudioVolumeSync /t REG_DWORD /d 0 /f
timeout 60 wine net start spice-agent >>"$RIG_TMP/service-install.log" 2>&1 \
  || e2e_fail "net start spice-agent failed"
rig_wait_agent attached 60 || e2e_fail "the service never reopened the port"
gone=$(e2e_count 'client disconnected' "$slog")
out=$(rig_client caps) || e2e_fail "client: $out"
rig_json '11 not in j["caps"] and 0 in j["caps"]' <<<"$out" >/dev/null \
  || e2e_fail "AudioVolumeSync=0 but the client sees: $out"
grep -q 'AudioVolumeSync=0 (setting)' "$alog" || e2e_fail "the agent's config line lacks AudioVolumeSync=0"
e2e_wait_count 'client disconnected' "$slog" $((gone + 1)) 20 \
  || e2e_fail "the service never heard that the client left"
inject_hex "$(avs 1 0 100 100)" || e2e_fail "inject failed"
e2e_wait_count 'AUDIO_VOLUME_SYNC from the host dropped' "$slog" 1 20 \
  || e2e_fail "the service did not drop AUDIO_VOLUME_SYNC"
e2e_pass "AudioVolumeSync=0: not announced, and the service drops the message"
