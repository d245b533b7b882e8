/*
 * vda_validate.c - per-type validators (see vda_validate.h).
 *
 * Sizes are compared as uint64_t: a u32 count times an element size cannot
 * overflow 64 bits, so no check here can be defeated by wrap-around.
 */
#include "vda_validate.h"

#include <string.h>

#include "vda_le.h"

#define FAIL(msg)        \
    do {                 \
        *why = (msg);    \
        return false;    \
    } while (0)

static const vda_limits *limits_or_default(const vda_limits *lim,
                                           vda_limits *storage)
{
    if (lim)
        return lim;
    vda_limits_default(storage);
    return storage;
}

static bool use_selection(const vda_negotiated *n)
{
    return n && vda_use_selection(n);
}

static bool use_serial(const vda_negotiated *n)
{
    return n && vda_use_grab_serial(n);
}

static uint64_t selection_size(const vda_negotiated *n)
{
    return use_selection(n) ? VDA_SELECTION_PREFIX_SIZE : 0;
}

/* Selection byte, when present. Reserved bytes are ignored, as by the
 * reference implementations. */
static bool check_selection(const uint8_t *body, const vda_negotiated *n,
                            const char **why)
{
    if (use_selection(n) &&
        body[0] > VD_AGENT_CLIPBOARD_SELECTION_SECONDARY)
        FAIL("unknown clipboard selection");
    return true;
}

/* Inclusive size bounds known from the header alone. */
static bool type_bounds(uint32_t type, const vda_negotiated *n,
                        const vda_limits *lim, uint64_t *min, uint64_t *max)
{
    uint64_t sel = selection_size(n);
    switch (type) {
    case VD_AGENT_MOUSE_STATE:
        *min = *max = 13;
        break;
    case VD_AGENT_MONITORS_CONFIG:
        *min = 8 + 20;
        *max = 8 + (uint64_t)lim->max_monitors * (20 + 4);
        break;
    case VD_AGENT_REPLY:
    case VD_AGENT_DISPLAY_CONFIG:
        *min = *max = 8;
        break;
    case VD_AGENT_CLIPBOARD:
        *min = sel + 4;
        /* Saturate: a configured "unlimited" (UINT64_MAX) must not wrap. */
        *max = sel + 4 + (lim->max_clipboard > UINT32_MAX
                              ? (uint64_t)UINT32_MAX : lim->max_clipboard);
        break;
    case VD_AGENT_ANNOUNCE_CAPABILITIES:
        *min = 4;
        *max = 4 + 4 * (uint64_t)VDA_MAX_CAPS_WORDS;
        break;
    case VD_AGENT_CLIPBOARD_GRAB:
        *min = sel + (use_serial(n) ? 4 : 0);
        *max = *min + 4 * (uint64_t)VDA_MAX_GRAB_TYPES;
        break;
    case VD_AGENT_CLIPBOARD_REQUEST:
        *min = *max = sel + 4;
        break;
    case VD_AGENT_CLIPBOARD_RELEASE:
        *min = *max = sel;
        break;
    case VD_AGENT_FILE_XFER_START:
        *min = 4 + 1;
        *max = lim->max_xfer_start;
        break;
    case VD_AGENT_FILE_XFER_STATUS:
        *min = 8;
        *max = (n && vda_use_detailed_errors(n)) ? 8 + 8 : 8;
        break;
    case VD_AGENT_FILE_XFER_DATA:
        *min = VDA_XFER_DATA_PREFIX_SIZE;
        *max = VDA_XFER_DATA_PREFIX_SIZE + (uint64_t)lim->max_file_piece;
        break;
    case VD_AGENT_CLIENT_DISCONNECTED:
        *min = *max = 0;
        break;
    case VD_AGENT_MAX_CLIPBOARD:
        *min = *max = 4;
        break;
    case VD_AGENT_AUDIO_VOLUME_SYNC:
        *min = 3;
        *max = 3 + 2 * 255;
        break;
    case VD_AGENT_GRAPHICS_DEVICE_INFO:
        *min = 4;
        *max = lim->max_graphics_info;
        break;
    default:
        return false;
    }
    return true;
}

bool vda_validate_size(uint32_t type, uint64_t size, const vda_negotiated *n,
                       const vda_limits *lim, const char **why)
{
    vda_limits def;
    uint64_t min, max;
    lim = limits_or_default(lim, &def);
    if (!type_bounds(type, n, lim, &min, &max))
        FAIL("unknown message type");
    if (size < min)
        FAIL("message body shorter than its type allows");
    if (size > max)
        FAIL("message body larger than its type or configured limit allows");
    return true;
}

static bool v_monitors_config(const uint8_t *b, size_t size,
                              const vda_negotiated *n, const vda_limits *lim,
                              const char **why)
{
    uint32_t count = vda_le32(b);
    uint32_t flags = vda_le32(b + 4);
    uint64_t entry = 20;
    if (flags & VD_AGENT_CONFIG_MONITORS_FLAG_PHYSICAL_SIZE)
        entry += 4; /* VDAgentMonitorMM trailer, one per monitor */
    if (count == 0)
        FAIL("MONITORS_CONFIG with num_of_monitors 0");
    if (count > lim->max_monitors)
        FAIL("MONITORS_CONFIG num_of_monitors above the configured limit");
    if ((uint64_t)size != 8 + (uint64_t)count * entry)
        FAIL("MONITORS_CONFIG size does not match num_of_monitors and flags");
    if (!(n && vda_use_sparse_monitors(n))) {
        for (uint32_t i = 0; i < count; i++) {
            const uint8_t *m = b + 8 + 20 * (size_t)i;
            if (vda_le32(m) == 0 || vda_le32(m + 4) == 0)
                FAIL("MONITORS_CONFIG disabled (0x0) monitor without "
                     "SPARSE_MONITORS_CONFIG");
        }
    }
    return true;
}

static bool v_reply(const uint8_t *b, const char **why)
{
    uint32_t err = vda_le32(b + 4);
    if (err != VD_AGENT_SUCCESS && err != VD_AGENT_ERROR)
        FAIL("REPLY error is neither SUCCESS nor ERROR");
    return true;
}

static bool v_clipboard_type(uint32_t type, bool none_ok, const char **why)
{
    if (type > VD_AGENT_CLIPBOARD_FILE_LIST)
        FAIL("unknown clipboard type");
    if (type == VD_AGENT_CLIPBOARD_NONE && !none_ok)
        FAIL("clipboard type NONE not allowed here");
    return true;
}

static bool v_clipboard_prefix(const uint8_t *p, uint64_t body_size,
                               const vda_negotiated *n, const vda_limits *lim,
                               const char **why)
{
    uint64_t sel = selection_size(n);
    if (body_size < sel + 4)
        FAIL("CLIPBOARD shorter than its selection and type fields");
    if (body_size - sel - 4 > lim->max_clipboard)
        FAIL("CLIPBOARD data larger than the clipboard limit");
    if (!check_selection(p, n, why))
        return false;
    /* NONE is what an agent sends when it has no data for a request. */
    return v_clipboard_type(vda_le32(p + sel), true, why);
}

static bool v_grab(const uint8_t *b, size_t size, const vda_negotiated *n,
                   const char **why)
{
    uint64_t pre = selection_size(n) + (use_serial(n) ? 4 : 0);
    if (size < pre)
        FAIL("CLIPBOARD_GRAB shorter than its selection/serial fields");
    if ((size - pre) % 4 != 0)
        FAIL("CLIPBOARD_GRAB types array is not a whole number of u32");
    if ((size - pre) / 4 > VDA_MAX_GRAB_TYPES)
        FAIL("CLIPBOARD_GRAB lists too many types");
    /* Unknown type values are allowed: a newer peer may offer formats we do
     * not know, and the agent simply never requests them. */
    return check_selection(b, n, why);
}

static bool v_request(const uint8_t *b, size_t size, const vda_negotiated *n,
                      const char **why)
{
    uint64_t sel = selection_size(n);
    if (size != sel + 4)
        FAIL("CLIPBOARD_REQUEST size is not selection + type");
    if (!check_selection(b, n, why))
        return false;
    return v_clipboard_type(vda_le32(b + sel), false, why);
}

static bool v_release(const uint8_t *b, size_t size, const vda_negotiated *n,
                      const char **why)
{
    if (size != selection_size(n))
        FAIL("CLIPBOARD_RELEASE size is not the selection prefix");
    return check_selection(b, n, why);
}

static bool v_xfer_start(const uint8_t *b, size_t size, const char **why)
{
    if (b[size - 1] != '\0')
        FAIL("FILE_XFER_START key file is not NUL-terminated");
    return true;
}

static bool v_xfer_status(const uint8_t *b, size_t size,
                          const vda_negotiated *n, const char **why)
{
    uint32_t result = vda_le32(b + 4);
    size_t detail = size - 8;
    bool detailed = n && vda_use_detailed_errors(n);
    if (result > VD_AGENT_FILE_XFER_STATUS_DISABLED)
        FAIL("FILE_XFER_STATUS unknown result");
    if (!detailed) {
        if (result > VD_AGENT_FILE_XFER_STATUS_SUCCESS)
            FAIL("FILE_XFER_STATUS detailed result without "
                 "FILE_XFER_DETAILED_ERRORS");
        if (detail != 0)
            FAIL("FILE_XFER_STATUS detail without FILE_XFER_DETAILED_ERRORS");
        return true;
    }
    if (result == VD_AGENT_FILE_XFER_STATUS_ERROR) {
        if (detail != 0 && detail != 5)
            FAIL("FILE_XFER_STATUS ERROR detail is not {u8 type, u32 code}");
    } else if (result == VD_AGENT_FILE_XFER_STATUS_NOT_ENOUGH_SPACE) {
        if (detail != 0 && detail != 8)
            FAIL("FILE_XFER_STATUS NOT_ENOUGH_SPACE detail is not a u64");
    } else if (detail != 0) {
        FAIL("FILE_XFER_STATUS detail for a result that has none");
    }
    return true;
}

static bool v_xfer_data_prefix(const uint8_t *p, uint64_t body_size,
                               const vda_limits *lim, const char **why)
{
    if (body_size < VDA_XFER_DATA_PREFIX_SIZE)
        FAIL("FILE_XFER_DATA shorter than its id and size fields");
    if (vda_le64(p + 4) != body_size - VDA_XFER_DATA_PREFIX_SIZE)
        FAIL("FILE_XFER_DATA size field does not match the data length");
    if (body_size - VDA_XFER_DATA_PREFIX_SIZE > lim->max_file_piece)
        FAIL("FILE_XFER_DATA piece larger than the configured limit");
    return true;
}

static bool v_max_clipboard(const uint8_t *b, const char **why)
{
    if ((int32_t)vda_le32(b) < -1)
        FAIL("MAX_CLIPBOARD negative and not -1");
    return true;
}

static bool v_audio(const uint8_t *b, size_t size, const char **why)
{
    if ((uint64_t)size != 3 + 2 * (uint64_t)b[2])
        FAIL("AUDIO_VOLUME_SYNC size does not match nchannels");
    return true;
}

static bool v_graphics_info(const uint8_t *b, size_t size, const char **why)
{
    uint32_t count = vda_le32(b);
    size_t off = 4;
    /* Each entry takes at least 17 bytes (16 fixed + a NUL), so a count that
     * cannot fit is refused before the loop. */
    if ((uint64_t)count * 17 > (uint64_t)(size - 4))
        FAIL("GRAPHICS_DEVICE_INFO count does not fit the message");
    for (uint32_t i = 0; i < count; i++) {
        uint32_t len;
        if (size - off < 16)
            FAIL("GRAPHICS_DEVICE_INFO entry truncated");
        len = vda_le32(b + off + 12);
        off += 16;
        if (len == 0)
            FAIL("GRAPHICS_DEVICE_INFO empty device address");
        if ((uint64_t)len > (uint64_t)(size - off))
            FAIL("GRAPHICS_DEVICE_INFO device address overruns the message");
        if (b[off + len - 1] != '\0')
            FAIL("GRAPHICS_DEVICE_INFO device address not NUL-terminated");
        if (memchr(b + off, '\0', len - 1) != NULL)
            FAIL("GRAPHICS_DEVICE_INFO device address has an embedded NUL");
        off += len;
    }
    if (off != size)
        FAIL("GRAPHICS_DEVICE_INFO trailing bytes after the entries");
    return true;
}

bool vda_validate_message(uint32_t type, const uint8_t *body, size_t size,
                          const vda_negotiated *n, const vda_limits *lim,
                          const char **why)
{
    vda_limits def;
    vda_caps dummy;
    uint32_t request;
    lim = limits_or_default(lim, &def);
    if (!vda_validate_size(type, size, n, lim, why))
        return false;
    switch (type) {
    case VD_AGENT_MONITORS_CONFIG:
        return v_monitors_config(body, size, n, lim, why);
    case VD_AGENT_REPLY:
        return v_reply(body, why);
    case VD_AGENT_CLIPBOARD:
        return v_clipboard_prefix(body, size, n, lim, why);
    case VD_AGENT_ANNOUNCE_CAPABILITIES:
        return vda_caps_parse(body, size, &dummy, &request, why);
    case VD_AGENT_CLIPBOARD_GRAB:
        return v_grab(body, size, n, why);
    case VD_AGENT_CLIPBOARD_REQUEST:
        return v_request(body, size, n, why);
    case VD_AGENT_CLIPBOARD_RELEASE:
        return v_release(body, size, n, why);
    case VD_AGENT_FILE_XFER_START:
        return v_xfer_start(body, size, why);
    case VD_AGENT_FILE_XFER_STATUS:
        return v_xfer_status(body, size, n, why);
    case VD_AGENT_FILE_XFER_DATA:
        return v_xfer_data_prefix(body, size, lim, why);
    case VD_AGENT_MAX_CLIPBOARD:
        return v_max_clipboard(body, why);
    case VD_AGENT_AUDIO_VOLUME_SYNC:
        return v_audio(body, size, why);
    case VD_AGENT_GRAPHICS_DEVICE_INFO:
        return v_graphics_info(body, size, why);
    default:
        /* MOUSE_STATE, DISPLAY_CONFIG, CLIENT_DISCONNECTED: any bytes of the
         * exact size are meaningful (unknown flag bits are ignored). */
        return true;
    }
}

size_t vda_stream_prefix_size(uint32_t type, const vda_negotiated *n)
{
    if (type == VD_AGENT_CLIPBOARD)
        return (size_t)selection_size(n) + 4;
    if (type == VD_AGENT_FILE_XFER_DATA)
        return VDA_XFER_DATA_PREFIX_SIZE;
    return 0;
}

bool vda_validate_stream_prefix(uint32_t type, const uint8_t *prefix,
                                size_t prefix_len, uint64_t body_size,
                                const vda_negotiated *n, const vda_limits *lim,
                                const char **why)
{
    vda_limits def;
    lim = limits_or_default(lim, &def);
    if (prefix_len != vda_stream_prefix_size(type, n) || prefix_len == 0)
        FAIL("stream prefix of the wrong size or type not streamed");
    if (type == VD_AGENT_CLIPBOARD)
        return v_clipboard_prefix(prefix, body_size, n, lim, why);
    return v_xfer_data_prefix(prefix, body_size, lim, why);
}

bool vda_type_from_server(uint32_t type)
{
    return type == VD_AGENT_MOUSE_STATE ||
           type == VD_AGENT_CLIENT_DISCONNECTED ||
           type == VD_AGENT_GRAPHICS_DEVICE_INFO;
}

const char *vda_type_name(uint32_t type)
{
    static const char *const names[] = {
        "unknown",          "MOUSE_STATE",
        "MONITORS_CONFIG",  "REPLY",
        "CLIPBOARD",        "DISPLAY_CONFIG",
        "ANNOUNCE_CAPABILITIES", "CLIPBOARD_GRAB",
        "CLIPBOARD_REQUEST", "CLIPBOARD_RELEASE",
        "FILE_XFER_START",  "FILE_XFER_STATUS",
        "FILE_XFER_DATA",   "CLIENT_DISCONNECTED",
        "MAX_CLIPBOARD",    "AUDIO_VOLUME_SYNC",
        "GRAPHICS_DEVICE_INFO",
    };
    if (type >= sizeof(names) / sizeof(names[0]))
        return names[0];
    return names[type];
}
