// SPDX-License-Identifier: MIT
#include "core/text/text.hpp"

#include <array>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hooks::text {
namespace {

#if defined(__SSE2__)
/// The sixteen bytes at `at` (any alignment).
__m128i load16(const char* at) {
    __m128i bytes;
    std::memcpy(&bytes, at, sizeof bytes);
    return bytes;
}
#endif

/// How many bytes from the start of `text` are ASCII, counted sixteen at a time where SSE2 is
/// (every x86-64): a multiple of 16, at most the first non-ASCII byte's offset.
std::size_t ascii_blocks([[maybe_unused]] std::string_view text) {
    std::size_t i = 0;
#if defined(__SSE2__)
    while (text.size() - i >= 16 && _mm_movemask_epi8(load16(text.data() + i)) == 0) {
        i += 16;
    }
#endif
    return i;
}

} // namespace

std::string_view trim_blanks(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

std::string printable(std::string_view text) {
    constexpr size_t k_max_length = 40;
    std::string out;
    for (char c : text.substr(0, k_max_length)) {
        out.push_back((c >= 0x20 && c < 0x7f) ? c : '?');
    }
    return text.size() > k_max_length ? out + "..." : out;
}

std::size_t utf8_sequence_length(std::string_view text) {
    if (text.empty()) {
        return 0;
    }
    auto byte = [text](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(0);
    if (lead < 0x80) {
        return 1;
    }
    // RFC 3629 table 3: the second byte's range is narrower after E0, ED, F0 and F4, which
    // is what excludes overlong forms, surrogates and values past U+10FFFF.
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        low = lead == 0xe0 ? 0xa0 : low;
        high = lead == 0xed ? 0x9f : high;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        low = lead == 0xf0 ? 0x90 : low;
        high = lead == 0xf4 ? 0x8f : high;
    } else {
        return 0;
    }
    if (text.size() < length || byte(1) < low || byte(1) > high) {
        return 0;
    }
    for (std::size_t i = 2; i < length; ++i) {
        if ((byte(i) & 0xc0) != 0x80) {
            return 0;
        }
    }
    return length;
}

bool is_valid_utf8(std::string_view text) {
    constexpr std::uint64_t k_high_bits = 0x8080808080808080ULL;
    std::size_t i = ascii_blocks(text);
    while (i < text.size()) {
        // Bodies are mostly ASCII: skip eight bytes at a time while no high bit is set.
        std::uint64_t word = 0;
        if (text.size() - i >= sizeof word) {
            std::memcpy(&word, text.data() + i, sizeof word);
            if ((word & k_high_bits) == 0) {
                i += sizeof word;
                continue;
            }
        }
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = utf8_sequence_length(text.substr(i));
        if (length == 0) {
            return false;
        }
        i += length;
    }
    return true;
}

namespace {

/// The run at the start of `text` up to the first '"', '\\' or control byte, and with
/// `stops_at_non_ascii` also the first byte of 0x80 or above.
template <bool stops_at_non_ascii> std::size_t plain_prefix(std::string_view text) {
    std::size_t i = 0;
#if defined(__SSE2__)
    // Sixteen bytes at a time; bytes compare as signed, so 0x80 and above are negative.
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    const __m128i sign = _mm_set1_epi8(static_cast<char>(0x80));
    for (; text.size() - i >= sizeof(__m128i); i += sizeof(__m128i)) {
        __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
        __m128i stops =
            _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash));
        if constexpr (stops_at_non_ascii) {
            stops = _mm_or_si128(stops, _mm_cmplt_epi8(bytes, space)); // also catches >= 0x80
        } else {
            // Unsigned below 0x20, as a signed comparison with the sign bits flipped.
            stops = _mm_or_si128(
                stops, _mm_cmplt_epi8(_mm_xor_si128(bytes, sign), _mm_xor_si128(space, sign)));
        }
        if (int mask = _mm_movemask_epi8(stops); mask != 0) {
            return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
        }
    }
#else
    constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
    constexpr std::uint64_t k_high_bits = 0x8080808080808080ULL;
    // Whether a byte of the word is below 0x20, '"' or '\\', by the zero-byte test
    // (v - 0x01..) & ~v & 0x80.. applied to each condition at once.
    for (; text.size() - i >= sizeof(std::uint64_t); i += sizeof(std::uint64_t)) {
        std::uint64_t word = 0;
        std::memcpy(&word, text.data() + i, sizeof word);
        std::uint64_t quote = word ^ (k_ones * '"');
        std::uint64_t backslash = word ^ (k_ones * '\\');
        std::uint64_t control = (word - k_ones * 0x20) & ~word;
        std::uint64_t zero_quote = (quote - k_ones) & ~quote;
        std::uint64_t zero_backslash = (backslash - k_ones) & ~backslash;
        std::uint64_t stops = control | zero_quote | zero_backslash;
        if (((stops_at_non_ascii ? stops | word : stops) & k_high_bits) != 0) {
            break;
        }
    }
#endif
    for (; i < text.size(); ++i) {
        auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x20 || byte == '"' || byte == '\\' || (stops_at_non_ascii && byte >= 0x80)) {
            break;
        }
    }
    return i;
}

} // namespace

std::size_t json_plain_prefix(std::string_view text) {
    return plain_prefix<false>(text);
}

std::size_t json_plain_ascii_prefix(std::string_view text) {
    return plain_prefix<true>(text);
}

namespace {

// For each byte: 0 copies it, 'u' writes \u00XX, any other character c writes \c.
constexpr std::array<char, 256> make_escape_table() {
    std::array<char, 256> table{};
    for (std::size_t i = 0; i < 0x20; ++i) {
        table[i] = 'u';
    }
    table['\b'] = 'b';
    table['\f'] = 'f';
    table['\n'] = 'n';
    table['\r'] = 'r';
    table['\t'] = 't';
    table['"'] = '"';
    table['\\'] = '\\';
    return table;
}

constexpr std::array<char, 256> k_escapes = make_escape_table();

// append_json_string(), or with each byte that does not start a valid UTF-8 sequence written as
// U+FFFD when `IsLossy`. Checks and escapes in one pass, copying runs that need no escape in one
// go.
template <bool IsLossy> bool append_json(std::string& out, std::string_view text) {
    static constexpr char k_hex[] = "0123456789abcdef";
    std::size_t start = out.size();
    out += '"';
    std::size_t copied = 0; // text before this was appended or escaped
    std::size_t at = 0;
    while (true) {
        at += json_plain_ascii_prefix(text.substr(at));
        if (at == text.size()) {
            break;
        }
        auto byte = static_cast<unsigned char>(text[at]);
        if (byte >= 0x80) {
            std::size_t length = utf8_sequence_length(text.substr(at));
            if (length == 0 && !IsLossy) {
                out.resize(start);
                return false;
            }
            if (length == 0) {
                out.append(text.data() + copied, at - copied).append("\xEF\xBF\xBD");
                copied = ++at;
                continue;
            }
            at += length;
            continue;
        }
        out.append(text.data() + copied, at - copied);
        char escape = k_escapes[byte];
        if (escape == 'u') {
            const std::array<char, 6> sequence{
                '\\', 'u', '0', '0', k_hex[byte >> 4U], k_hex[byte & 0x0FU]};
            out.append(sequence.data(), sequence.size());
        } else {
            const std::array<char, 2> sequence{'\\', escape};
            out.append(sequence.data(), sequence.size());
        }
        copied = ++at;
    }
    out.append(text.data() + copied, text.size() - copied);
    out += '"';
    return true;
}

} // namespace

bool append_json_string(std::string& out, std::string_view text) {
    return append_json<false>(out, text);
}

void append_json_string_lossy(std::string& out, std::string_view text) {
    append_json<true>(out, text);
}

std::string decode_form_component(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out.push_back(' ');
            continue;
        }
        if (text[i] == '%' && i + 2 < text.size()) {
            int high = hex_digit_value(text[i + 1]);
            int low = hex_digit_value(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out.push_back(static_cast<char>(high * 16 + low));
                i += 2;
                continue;
            }
        }
        out.push_back(text[i]);
    }
    return out;
}

std::string escape_json_for_terminal(std::string_view json) {
    std::string out;
    out.reserve(json.size());
    auto escape = [&out](unsigned code) {
        static constexpr std::string_view k_digits = "0123456789abcdef";
        out += "\\u";
        for (int shift = 12; shift >= 0; shift -= 4) {
            out += k_digits[(code >> static_cast<unsigned>(shift)) & 0xFU];
        }
    };
    for (std::size_t i = 0; i < json.size(); ++i) {
        auto byte = static_cast<unsigned char>(json[i]);
        auto next = [&](std::size_t ahead) {
            return i + ahead < json.size() ? static_cast<unsigned char>(json[i + ahead]) : 0U;
        };
        if (byte == 0x7F) {
            escape(0x7F);
        } else if (byte == 0xC2 && next(1) >= 0x80 && next(1) <= 0x9F) {
            escape(next(1)); // U+0080-U+009F is C2 80 - C2 9F
            ++i;
        } else if (byte == 0xE2 && (next(1) == 0x80 || next(1) == 0x81)) {
            unsigned code = 0x2000U + ((next(1) & 0x3FU) << 6U) + (next(2) & 0x3FU);
            bool is_acted_on =
                (code >= 0x2028 && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069);
            if (is_acted_on && (next(2) & 0xC0U) == 0x80U) {
                escape(code);
                i += 2;
            } else {
                out += json[i];
            }
        } else {
            out += json[i];
        }
    }
    return out;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
    std::uint64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

} // namespace hooks::text
