// SPDX-License-Identifier: MIT
// Secret and key decoding: base64/hex, decode_key in every key format (whsec_, whsk_, whpk_),
// and a sign-then-verify round trip with the input as the secret. What decodes must re-encode
// to the same canonical text, what signs must verify, and no error may quote the secret.
#include "core/crypto/ed25519.hpp"
#include "core/crypto/encoding.hpp"
#include "core/providers/profile_scheme.hpp"
#include "core/providers/registry.hpp"
#include "fuzz_target.hpp"

#include <array>
#include <string>
#include <string_view>

namespace {

using hooks::providers::DecodedKey;
using hooks::providers::KeyFormat;
using hooks::providers::Secret;

constexpr std::string_view k_label = "--secret #1";
constexpr long long k_now_seconds = 1'700'000'000;

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'F') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string without_padding(std::string_view text) {
    return std::string(text.substr(0, text.find_last_not_of('=') + 1));
}

// Error messages are prose (spaces between words), so a long run without a space that
// appears in one can only have come from the secret.
void check_not_quoted(const std::string& message, std::string_view secret) {
    if (secret.size() >= 16 && secret.find(' ') == std::string_view::npos) {
        HOOKS_FUZZ_CHECK(message.find(secret) == std::string::npos);
    }
}

void check_base64(std::string_view text) {
    auto decoded = hooks::crypto::base64_decode(text);
    if (!decoded) {
        check_not_quoted(decoded.error().message, text);
        return;
    }
    std::string encoded = hooks::crypto::base64_encode(*decoded);
    HOOKS_FUZZ_CHECK(encoded.size() % 4 == 0);
    HOOKS_FUZZ_CHECK(without_padding(encoded) == without_padding(text));
    HOOKS_FUZZ_CHECK(text.find('=') == std::string_view::npos || encoded == text);
    HOOKS_FUZZ_CHECK(hooks::crypto::base64_decode(encoded).value() == *decoded);
}

void check_hex(std::string_view text) {
    auto decoded = hooks::crypto::hex_decode(text);
    if (!decoded) {
        check_not_quoted(decoded.error().message, text);
        return;
    }
    HOOKS_FUZZ_CHECK(decoded->size() * 2 == text.size());
    HOOKS_FUZZ_CHECK(hooks::crypto::hex_encode(*decoded) == lower(text));
}

// The key bytes must be the canonical decoding of the text after the prefix.
void check_ed25519_key(const DecodedKey& key, std::string_view text) {
    bool is_private = text.substr(0, 5) == "whsk_";
    HOOKS_FUZZ_CHECK(is_private || text.substr(0, 5) == "whpk_");
    HOOKS_FUZZ_CHECK(key.kind == (is_private ? DecodedKey::Kind::ed25519_private
                                             : DecodedKey::Kind::ed25519_public));
    HOOKS_FUZZ_CHECK(key.bytes.size() == hooks::crypto::k_ed25519_seed_size);
    std::string full = hooks::crypto::base64_decode(text.substr(5)).value();
    HOOKS_FUZZ_CHECK(full.size() == 32 || (is_private && full.size() == 64));
    HOOKS_FUZZ_CHECK(full.substr(0, 32) == key.bytes);
    if (is_private) {
        std::string public_key = hooks::crypto::ed25519_public_key(key.bytes).value();
        std::string signature = hooks::crypto::ed25519_sign(key.bytes, text).value();
        HOOKS_FUZZ_CHECK(hooks::crypto::ed25519_verify(public_key, text, signature));
    }
}

void check_decoded(const DecodedKey& key, KeyFormat format, std::string_view text) {
    HOOKS_FUZZ_CHECK(!key.bytes.empty());
    HOOKS_FUZZ_CHECK(key.kind == DecodedKey::Kind::hmac);
    switch (format) {
    case KeyFormat::raw:
        HOOKS_FUZZ_CHECK(key.bytes == text);
        break;
    case KeyFormat::whsec_base64:
        if (text.substr(0, 6) == "whsec_") {
            text.remove_prefix(6);
        }
        [[fallthrough]];
    case KeyFormat::base64:
        HOOKS_FUZZ_CHECK(without_padding(hooks::crypto::base64_encode(key.bytes)) ==
                         without_padding(text));
        break;
    case KeyFormat::hex:
        HOOKS_FUZZ_CHECK(hooks::crypto::hex_encode(key.bytes) == lower(text));
        break;
    }
}

void check_decode_key(std::string_view text) {
    Secret secret{std::string(text), std::string(k_label)};
    for (KeyFormat format :
         {KeyFormat::raw, KeyFormat::whsec_base64, KeyFormat::base64, KeyFormat::hex}) {
        for (std::string_view ed25519_version : {"", "v1a"}) {
            hooks::providers::SchemeProfile profile;
            profile.name = "fuzz";
            profile.format = hooks::providers::SignatureFormat::versioned;
            profile.signature_version = "v1";
            profile.ed25519_version = std::string(ed25519_version);
            profile.key_format = format;
            auto key = hooks::providers::decode_key(profile, secret);
            if (!key) {
                check_not_quoted(key.error().message, text);
                HOOKS_FUZZ_CHECK(key.error().message.find(k_label) != std::string::npos);
            } else if (key->kind != DecodedKey::Kind::hmac) {
                HOOKS_FUZZ_CHECK(!ed25519_version.empty());
                check_ed25519_key(*key, text);
            } else {
                check_decoded(*key, format, text);
            }
        }
    }
}

hooks::message::Message signed_message(const hooks::providers::SignOutput& output,
                                       std::string_view body) {
    hooks::message::Message message;
    message.headers = output.headers;
    message.body = std::string(body);
    return message;
}

// Discord verifies with the public key, so derive it from the seed the input signed with.
Secret verifying_secret(const hooks::providers::Scheme& scheme, const Secret& secret) {
    if (scheme.info().name != "discord") {
        return secret;
    }
    std::string seed = hooks::crypto::hex_decode(secret.value).value().substr(0, 32);
    return {hooks::crypto::hex_encode(hooks::crypto::ed25519_public_key(seed).value()),
            secret.label};
}

// Whatever a provider signs with the input as its secret, it must accept with that secret.
void check_round_trip(std::string_view text) {
    static const hooks::providers::Registry k_registry = hooks::providers::Registry::builtin();
    static constexpr std::array<std::string_view, 7> k_providers = {
        "standard", "stripe", "github", "shopify", "paddle", "twilio", "discord"};
    constexpr std::string_view k_body = "From=%2B15551234567&Body=Hello+there";
    constexpr std::string_view k_url = "https://example.com/sms?account=AC1";
    Secret secret{std::string(text), std::string(k_label)};
    for (std::string_view name : k_providers) {
        const hooks::providers::Scheme* scheme = k_registry.find(name).value();
        hooks::providers::SignInput sign_input;
        sign_input.body = k_body;
        sign_input.secrets = std::span(&secret, 1);
        sign_input.id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
        sign_input.timestamp = hooks::providers::UnixMillis(k_now_seconds * 1000);
        sign_input.url = std::string(k_url);
        auto output = scheme->sign(sign_input);
        if (!output) {
            check_not_quoted(output.error().message, text);
            continue;
        }
        hooks::message::Message message = signed_message(*output, k_body);
        Secret verifier = verifying_secret(*scheme, secret);
        hooks::providers::VerifyInput verify_input(message, std::span(&verifier, 1));
        verify_input.now = sign_input.timestamp;
        verify_input.url = sign_input.url;
        auto result = scheme->verify(verify_input);
        HOOKS_FUZZ_CHECK(result && result->is_valid);
        check_not_quoted(result->reason, text);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    check_base64(input);
    check_hex(input);
    check_decode_key(input);
    check_round_trip(input);
    return 0;
}
