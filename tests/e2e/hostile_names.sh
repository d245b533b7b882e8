#!/usr/bin/env bash
# hostile_names.sh DIR - makes one small file per hostile name in DIR.
# Names a Linux file can carry (no '/', no NUL); '/', ".", ".." and empty
# names cannot reach spice-gtk as a file and are covered by test_xfer_name.
# Most carry "HOSTILE" so the test can search the whole machine for strays.
set -euo pipefail
d=$1
mk() { printf 'hostile %s\n' "$1" >"$d/$1"; }
# reserved device names, alone and with extensions, any case
for n in CON con PRN AUX NUL nul.txt Nul.HOSTILE COM1 COM1.tar.gz com9.log LPT1 lpt9.doc \
  'CON .txt' 'CONIN$' 'CONOUT$.HOSTILE' $'COM\u00b9' AUX.HOSTILE.txt; do mk "$n"; done
# drive letters, UNC, device and relative paths with backslashes
for n in 'C:HOSTILE' 'c:\HOSTILE.txt' 'C:\Windows\HOSTILE.txt' '\\server\share\HOSTILE' \
  '\\?\C:\HOSTILE' '\\.\PhysicalDrive0HOSTILE' '..\..\HOSTILE-escape.txt' 'sub\HOSTILE.txt' \
  '\HOSTILE-rooted.txt' '..\HOSTILE' 'Z:..\HOSTILE'; do mk "$n"; done
# alternate data streams
for n in 'HOSTILE.txt:stream' 'HOSTILE:$DATA' 'HOSTILE.txt::$DATA'; do mk "$n"; done
# trailing dots and spaces, leading spaces
for n in 'HOSTILE-trailing.' 'HOSTILE-trailing...' 'HOSTILE-trailing ' 'HOSTILE-mixed. . ' \
  '  HOSTILE-leading' 'HOSTILE.txt.'; do mk "$n"; done
# characters Windows forbids
for c in '<' '>' '"' '|' '?' '*'; do mk "HOSTILE${c}char"; done
mk 'HOSTILE<>|?*"all'
# control characters (the key file escapes some, others arrive raw)
for c in $'\t' $'\n' $'\r' $'\a' $'\x7f' $'\x1b[31m' $'\x01'; do mk "HOSTILE${c}ctl"; done
# only dots and spaces
for n in '...' ' ' '   ' '. .' ' . '; do mk "$n"; done
# long: a Linux name has at most 255 bytes, so over 255 UTF-16 units cannot
# come from this client (test_xfer_name covers it); over the 248 units that
# leave room for " (NNNN)" can: 251 ASCII, a 253-unit extension, and 60
# two-unit emoji (127 units, kept)
mk "HOSTILE$(printf 'a%.0s' $(seq 240)).txt"
mk "HOSTILE.$(printf 'e%.0s' $(seq 245))"
mk "HOSTILE$(printf '\xf0\x9f\x98\x80%.0s' $(seq 60))"
# bidirectional override (spoofs the extension)
mk $'HOSTILE-invoice\u202efdp.exe'
# ordinary names that must arrive unchanged
for n in 'HOSTILE-日本語.txt' 'HOSTILE emoji 😀.txt' 'HOSTILE-עברית.txt' '.HOSTILE-dotfile' \
  'HOSTILE-ok (1).txt'; do mk "$n"; done
