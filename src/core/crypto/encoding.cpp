// SPDX-License-Identifier: MIT
#include "core/crypto/encoding.hpp"

#include "core/text/text.hpp"

#include <cstdlib>
#include <openssl/evp.h>

namespace hooks::crypto {
namespace {

bool is_base64_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

const unsigned char* as_uchar(const char* p) {
    return reinterpret_cast<const unsigned char*>(p);
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
    for (size_t i = 0; i < data_length; ++i) {
        if (!is_base64_char(text[i])) {
            return fail(ErrorKind::input, "base64 contains a character outside its alphabet");
        }
    }
    if (data_length % 4 == 1) {
        return fail(ErrorKind::input, "base64 has a truncated final group");
    }
    std::string padded(text.substr(0, data_length));
    padded.append((4 - data_length % 4) % 4, '=');
    std::string out(padded.size() / 4 * 3, '\0');
    int decoded = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  as_uchar(padded.data()), static_cast<int>(padded.size()));
    if (decoded < 0) {
        return fail(ErrorKind::input, "base64 could not be decoded");
    }
    // EVP_DecodeBlock counts padding as zero bytes; drop them.
    size_t pad_bytes = (4 - data_length % 4) % 4;
    out.resize(static_cast<size_t>(decoded) - pad_bytes);
    // Reject non-canonical encodings (non-zero bits after the last byte): re-encode and compare.
    std::string canonical = base64_encode(out);
    if (std::string_view(canonical).substr(0, data_length) != text.substr(0, data_length)) {
        return fail(ErrorKind::input, "base64 has non-zero trailing bits");
    }
    return out;
}

} // namespace hooks::crypto
