// SPDX-License-Identifier: MIT
#include "core/events/delivery_id.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"

#include <algorithm>

namespace hooks::events {
namespace {

/// `count` random bytes from OpenSSL, drawn 4 KiB at a time: a RAND_bytes call per id (with its
/// locking and fork check) cost as much as signing the delivery under `send --count`.
std::string random_bytes(std::size_t count) {
    constexpr std::size_t k_pool_size = 4096;
    thread_local std::string pool;
    thread_local std::size_t used = 0;
    if (pool.size() - used < count) {
        pool = crypto::random_bytes(std::max(k_pool_size, count));
        used = 0;
    }
    std::string bytes = pool.substr(used, count);
    used += count;
    return bytes;
}

std::string random_base62(std::size_t length) {
    static constexpr std::string_view k_alphabet =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string text;
    text.reserve(length);
    for (char byte : random_bytes(length)) {
        text.push_back(k_alphabet[static_cast<unsigned char>(byte) % k_alphabet.size()]);
    }
    return text;
}

std::string random_uuid() {
    std::string bytes = random_bytes(16);
    bytes[6] = static_cast<char>((static_cast<unsigned char>(bytes[6]) & 0x0FU) | 0x40U);
    bytes[8] = static_cast<char>((static_cast<unsigned char>(bytes[8]) & 0x3FU) | 0x80U);
    std::string hex = crypto::hex_encode(bytes);
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
           hex.substr(16, 4) + "-" + hex.substr(20);
}

/// A positive decimal number of `length` digits, the first not 0 (HubSpot's eventId).
std::string random_number(std::size_t length) {
    std::string text;
    for (char byte : random_bytes(length)) {
        auto digit = static_cast<unsigned char>(byte) % (text.empty() ? 9U : 10U);
        text.push_back(static_cast<char>('0' + digit + (text.empty() ? 1U : 0U)));
    }
    return text;
}

} // namespace

std::string fresh_delivery_id(std::string_view provider) {
    if (provider == "stripe") {
        return "evt_" + random_base62(24);
    }
    if (provider == "paddle") {
        return "ntf_" + random_base62(26);
    }
    if (provider == "github" || provider == "github-sha1" || provider == "shopify" ||
        provider == "square" || provider == "linear" || provider == "twitch") {
        return random_uuid();
    }
    if (provider == "intercom") {
        return "notif_" + random_uuid();
    }
    // Mailgun's event ids and SendGrid's sg_event_id are 22 URL-safe characters.
    if (provider == "mailgun" || provider == "sendgrid") {
        return random_base62(22);
    }
    if (provider.starts_with("hubspot-")) {
        return random_number(10);
    }
    return "msg_" + random_base62(24);
}

} // namespace hooks::events
