// SPDX-License-Identifier: MIT
#include "core/crypto/encoding.hpp"

#include "core/text/text.hpp"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <openssl/evp.h>

namespace hooks::crypto {
namespace {

const unsigned char* as_uchar(const char* p) {
    return reinterpret_cast<const unsigned char*>(p);
}

// Each byte's 6-bit value in the standard alphabet, or k_not_base64.
constexpr std::uint8_t k_not_base64 = 0x40;
constexpr std::array<std::uint8_t, 256> k_base64_values = [] {
    std::array<std::uint8_t, 256> values{};
    values.fill(k_not_base64);
    constexpr std::string_view k_alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < k_alphabet.size(); ++i) {
        values[static_cast<unsigned char>(k_alphabet[i])] = static_cast<std::uint8_t>(i);
    }
    return values;
}();

// `count` (1 to 4) characters as 24 bits, the first in the top six (meaningless once a
// character outside the alphabet has set k_not_base64 in `invalid`).
std::uint32_t base64_group(const unsigned char* in, size_t count, std::uint32_t& invalid) {
    std::uint32_t value = 0;
    for (size_t i = 0; i < 4; ++i) {
        std::uint32_t digit = i < count ? k_base64_values[in[i]] : 0U;
        invalid |= digit & k_not_base64;
        value = (value << 6U) | digit;
    }
    return value & 0xffffffU;
}

} // namespace

std::string hex_encode(std::string_view bytes) {
    std::string out;
    append_hex(out, bytes);
    return out;
}

void append_hex(std::string& out, std::string_view bytes) {
    static constexpr char k_digits[] = "0123456789abcdef";
    size_t start = out.size();
    out.resize(start + bytes.size() * 2);
    char* digits = out.data() + start;
    for (char c : bytes) {
        auto byte = static_cast<unsigned char>(c);
        *digits++ = k_digits[byte >> 4U];
        *digits++ = k_digits[byte & 0x0fU];
    }
}

Result<std::string> hex_decode(std::string_view text) {
    if (text.size() % 2 != 0) {
        return fail(ErrorKind::input, "hex has an odd number of digits");
    }
    // Strict digit pairs only (no ':' separators as OpenSSL's decoder allows); this runs for
    // every signature `listen` checks, so without OpenSSL's allocations.
    std::string out(text.size() / 2, '\0');
    for (size_t i = 0; i < out.size(); ++i) {
        int high = text::hex_digit_value(text[2 * i]);
        int low = text::hex_digit_value(text[2 * i + 1]);
        if (high < 0 || low < 0) {
            return fail(ErrorKind::input, "hex contains a non-hex character");
        }
        out[i] = static_cast<char>((high << 4) | low);
    }
    return out;
}

std::string base64_encode(std::string_view bytes) {
    std::string out;
    append_base64(out, bytes);
    return out;
}

void append_base64(std::string& out, std::string_view bytes) {
    size_t start = out.size();
    out.resize(start + 4 * ((bytes.size() + 2) / 3));
    int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + start),
                                  as_uchar(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(start + static_cast<size_t>(written));
}

Result<std::string> base64_decode(std::string_view text) {
    size_t data_length = text.size();
    while (data_length > 0 && text[data_length - 1] == '=') {
        --data_length;
    }
    size_t padding = text.size() - data_length;
    if (padding > 2 || (padding > 0 && text.size() % 4 != 0)) {
        return fail(ErrorKind::input, "base64 has misplaced '=' padding");
    }
    // Decoded by table rather than EVP_DecodeBlock: the delivery log decodes every body, and
    // OpenSSL's decoder wants a padded copy and a re-encoding to prove the input canonical.
    const size_t groups = data_length / 4;
    const size_t tail = data_length % 4;
    std::string out(groups * 3 + (tail == 0 ? 0 : tail - 1), '\0');
    const auto* in = as_uchar(text.data());
    auto* bytes = reinterpret_cast<unsigned char*>(out.data());
    std::uint32_t invalid = 0;
    for (size_t group = 0; group < groups; ++group, in += 4, bytes += 3) {
        std::uint32_t value = base64_group(in, 4, invalid);
        bytes[0] = static_cast<unsigned char>(value >> 16U);
        bytes[1] = static_cast<unsigned char>(value >> 8U);
        bytes[2] = static_cast<unsigned char>(value);
    }
    std::uint32_t last = tail == 0 ? 0 : base64_group(in, tail, invalid);
    if (invalid != 0) {
        return fail(ErrorKind::input, "base64 contains a character outside its alphabet");
    }
    if (tail == 1) {
        return fail(ErrorKind::input, "base64 has a truncated final group");
    }
    // Non-zero bits after the last byte would let two encodings map to one byte string.
    if (tail != 0 && (last & (tail == 2 ? 0xffffU : 0xffU)) != 0) {
        return fail(ErrorKind::input, "base64 has non-zero trailing bits");
    }
    if (tail >= 2) {
        bytes[0] = static_cast<unsigned char>(last >> 16U);
    }
    if (tail == 3) {
        bytes[1] = static_cast<unsigned char>(last >> 8U);
    }
    return out;
}

} // namespace hooks::crypto
