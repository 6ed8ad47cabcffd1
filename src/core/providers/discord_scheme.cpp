// SPDX-License-Identifier: MIT
#include "core/providers/discord_scheme.hpp"

#include "core/crypto/ed25519.hpp"
#include "core/crypto/encoding.hpp"
#include "core/providers/verify_support.hpp"
#include "core/text/text.hpp"

namespace hooks::providers {
namespace {

constexpr std::string_view k_signature_header = "X-Signature-Ed25519";
constexpr std::string_view k_timestamp_header = "X-Signature-Timestamp";

// The 32 or 64 bytes of a hex key: 32 is a public key (verify) or a seed (sign); 64 is
// tweetnacl's secret key, the seed followed by the public key.
Result<std::string> decode_hex_key(const Secret& secret) {
    if (secret.value.empty()) {
        return fail(ErrorKind::input, "secret from " + secret.label + " is empty");
    }
    auto bytes = crypto::hex_decode(secret.value);
    if (!bytes || (bytes->size() != 32 && bytes->size() != 64)) {
        return fail(ErrorKind::input,
                    "secret from " + secret.label + " is not a Discord key (64 or 128 hex digits)");
    }
    return bytes;
}

} // namespace

DiscordScheme::DiscordScheme() {
    m_info.name = "discord";
    m_info.title = "Discord";
    m_info.summary = "Discord interactions: Ed25519 signature of timestamp + body, hex encoded";
    m_info.algorithm = "Ed25519, hex";
    m_info.signed_content = "{timestamp}{body}";
    m_info.signs_time = true;
    m_info.signature_header = std::string(k_signature_header);
    m_info.signature_syntax = "<128 hex digits>";
    m_info.other_headers = {std::string(k_timestamp_header)};
    m_info.key_format = "verify: the application's public key, 64 hex digits; sign: the private "
                        "key, 64 hex digits (seed) or 128 (seed then public key, as tweetnacl)";
}

std::string DiscordScheme::describe_signed_content(const VerifyInput& input) const {
    return std::string(
               input.message.first_header(k_timestamp_header).value_or("<missing timestamp>")) +
           describe_body(input.message.body);
}

Result<void> DiscordScheme::check_secrets(std::span<const Secret> secrets) const {
    for (const Secret& secret : secrets) {
        if (auto key = decode_hex_key(secret); !key) {
            return tl::unexpected(key.error());
        }
    }
    return {};
}

Result<VerifyResult> DiscordScheme::verify(const VerifyInput& input) const {
    auto sent = signature_and_time(input.message, k_signature_header, k_timestamp_header);
    if (!sent) {
        return sent.error();
    }
    auto signature = crypto::hex_decode(sent->signature);
    std::string content = std::string(sent->timestamp) + input.message.body;
    std::optional<std::string> matched;
    for (const Secret& secret : input.secrets) {
        auto key = decode_hex_key(secret);
        if (!key) {
            return tl::unexpected(key.error());
        }
        std::string public_key = key->size() == 64 ? key->substr(32) : *key;
        if (signature && crypto::ed25519_verify(public_key, content, *signature)) {
            matched = secret.label;
            break;
        }
    }
    if (!matched) {
        bool is_malformed = !signature || signature->size() != crypto::k_ed25519_signature_size;
        return signature_mismatch(k_signature_header, input.secrets, is_malformed);
    }
    VerifyResult result = valid_result(k_signature_header, *matched);
    apply_tolerance(result, sent->sent_at, input.now, input.tolerance, false);
    return result;
}

Result<SignOutput> DiscordScheme::sign(const SignInput& input) const {
    if (input.secrets.size() != 1) {
        return fail(ErrorKind::usage, "Discord sends a single signature; give one private key");
    }
    auto key = decode_hex_key(input.secrets.front());
    if (!key) {
        return tl::unexpected(key.error());
    }
    key->resize(crypto::k_ed25519_seed_size);
    std::string timestamp = format_timestamp(input.timestamp, TimestampUnit::seconds);
    auto signature = crypto::ed25519_sign(*key, timestamp + std::string(input.body));
    if (!signature) {
        return tl::unexpected(signature.error());
    }
    SignOutput output;
    output.headers.push_back({std::string(k_signature_header), crypto::hex_encode(*signature)});
    output.headers.push_back({std::string(k_timestamp_header), timestamp});
    return output;
}

} // namespace hooks::providers
