/*
 * vda_xfer_name.h - the client's file name (UTF-8, from FILE_XFER_START) as
 * a safe plain Windows file name, or a refusal.
 *
 * The principle: a name that tries to *address* something other than a new
 * file in the destination folder is REFUSED (the transfer fails with
 * INVALID_FILENAME); a name that is merely awkward for Windows is made safe
 * (CHANGED) so the user still gets the file.  Lengths are counted in UTF-16
 * units, as NTFS counts them (255 per name): a code point above U+FFFF (a
 * 4-byte UTF-8 sequence, e.g. most emoji) counts 2, every other 1.
 *
 * REFUSED (the rules run in this order, the first that matches gives why):
 *   - input not NUL-terminated within VDA_XFER_NAME_MAX bytes;
 *   - invalid UTF-8 (overlongs, surrogates, > U+10FFFF, truncated);
 *   - control characters U+0000-001F, U+007F and the C1 controls
 *     U+0080-009F (the key-file parser refuses them too: checked again here
 *     because this function must be safe on its own);
 *   - "\\server", "\\?\", "\\.\" and the "//" forms (UNC / device paths);
 *   - a drive prefix "X:" (any ASCII letter);
 *   - '/' or '\' anywhere (path separators);
 *   - ':' anywhere ("name:stream" would write an alternate data stream);
 *   - exactly "." or "..";
 *   - nothing left after cleaning (e.g. "   ", "...", ". .").
 * CHANGED (all that apply, in this order; why names the first):
 *   1. < > " | ? * -> '_' (Windows forbids them);
 *   2. the bidirectional embedding/override/isolate controls U+202A-202E and
 *      U+2066-2069 -> '_': they let "invoice<U+202E>fdp.exe" display as
 *      "invoiceexe.pdf".  Ordinary RTL (Arabic, Hebrew) text and LRM/RLM
 *      are kept as they are;
 *   3. leading spaces stripped (invisible, and Explorer shows them badly);
 *   4. trailing dots and spaces stripped: Win32 strips them silently, so
 *      the file we created would not have the name we checked;
 *   5. reserved device names CON PRN AUX NUL CONIN$ CONOUT$ COM0-9 LPT0-9
 *      and COM/LPT followed by a superscript 1 2 3 (U+00B9 U+00B2 U+00B3),
 *      ASCII case-insensitive, alone or before any extension: the part
 *      before the first '.', with its trailing spaces dropped, is compared
 *      ("nul.txt", "COM1.tar.gz", "con .txt", "Aux") -> '_' prefixed
 *      ("_nul.txt");
 *   6. longer than VDA_XFER_SAFE_NAME_MAX units: the stem is cut on a code
 *      point boundary and the extension (from the last '.', none for a name
 *      whose only '.' is its first character) is kept, when the extension
 *      is at most VDA_XFER_EXT_KEEP_MAX units; otherwise the whole name is
 *      cut.  Trailing dots and spaces exposed by the cut are stripped again.
 * Kept as is: every other character, including emoji, CJK, RTL scripts,
 * non-ASCII spaces, leading dots (".bashrc") and the fullwidth solidus
 * U+FF0F / U+FF3C (only separators through the ANSI "best fit" mapping; the
 * agent uses wide-character APIs only).
 * Not decided here: whether the name already exists (the caller creates
 * exclusively and tries vda_xfer_name_variant()), executable extensions.
 */
#ifndef VDA_XFER_NAME_H
#define VDA_XFER_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "vda_limits.h"

/* NTFS's limit for one name, in UTF-16 units. */
#define VDA_XFER_NAME_UNITS_MAX 255u
/* A clean name leaves room for a " (NNNN)" collision suffix. */
#define VDA_XFER_SAFE_NAME_MAX (VDA_XFER_NAME_UNITS_MAX - 7u)
/* Longest extension (with its dot) that truncation keeps. */
#define VDA_XFER_EXT_KEEP_MAX 32u
/* Output buffer sizes that always suffice (3 UTF-8 bytes per unit at most,
 * plus the NUL). */
#define VDA_XFER_CLEAN_BYTES (VDA_XFER_SAFE_NAME_MAX * 3u + 1u)
#define VDA_XFER_VARIANT_BYTES (VDA_XFER_NAME_UNITS_MAX * 3u + 1u)

typedef enum {
  VDA_XFER_NAME_OK,      /* out is a byte-exact copy of in */
  VDA_XFER_NAME_CHANGED, /* out is the safe form of in */
  VDA_XFER_NAME_REFUSED, /* out is "" */
} vda_xfer_name_verdict;

/* in: NUL-terminated UTF-8.  out: NUL-terminated UTF-8, at most
 * VDA_XFER_SAFE_NAME_MAX UTF-16 units, so that a " (NNNN)" collision suffix
 * still fits in 255 units.  *why: static reason when CHANGED or REFUSED,
 * NULL when OK.  An out_cap below what the result needs is REFUSED
 * (VDA_XFER_CLEAN_BYTES always suffices).  Cleaning a clean name gives OK. */
vda_xfer_name_verdict vda_xfer_name_clean(const char *in, char *out, size_t out_cap,
                                          const char **why);

/* n == 0: a copy of clean; n >= 1: "stem (n).ext" where ext is from the last
 * '.' (none when that '.' is the first character, as in ".bashrc", or when
 * the extension is longer than VDA_XFER_EXT_KEEP_MAX units: then the suffix
 * goes at the end).  The result stays within 255 UTF-16 units: the stem is
 * trimmed on a code point boundary when needed.  Distinct n give distinct
 * names.  false (out = "") when clean is not a name vda_xfer_name_clean()
 * returns OK for, or out_cap is too small (VDA_XFER_VARIANT_BYTES always
 * suffices). */
bool vda_xfer_name_variant(const char *clean, unsigned n, char *out, size_t out_cap);

#endif /* VDA_XFER_NAME_H */
