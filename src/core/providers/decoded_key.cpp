// SPDX-License-Identifier: MIT
#include "core/providers/decoded_key.hpp"

#include "core/crypto/ed25519.hpp"
#include "core/crypto/encoding.hpp"

namespace hooks::providers {
namespace {

constexpr std::string_view k_whsec = "whsec_";
constexpr std::string_view k_whsk = "whsk_";
constexpr std::string_view k_whpk = "whpk_";

Result<DecodedKey> decode_ed25519(const Secret& secret, bool is_private) {
    std::string_view text(secret.value);
    text.remove_prefix(k_whsk.size());
    auto bytes = crypto::base64_decode(text);
    if (!bytes) {
        return fail(ErrorKind::input, "secret from " + secret.label +
                                          " is not valid base64 after '" +
                                          std::string(is_private ? k_whsk : k_whpk) + "'");
    }
    if (is_private && bytes->size() == 64) {
        bytes->resize(crypto::k_ed25519_seed_size); // seed || public key, as libsodium stores it
    }
    if (bytes->size() != 32) {
        return fail(ErrorKind::input, "secret from " + secret.label + " decodes to " +
                                          std::to_string(bytes->size()) +
                                          " bytes; an Ed25519 key is 32 bytes");
    }
    return DecodedKey{is_private ? DecodedKey::Kind::ed25519_private
                                 : DecodedKey::Kind::ed25519_public,
                      std::move(*bytes)};
}

} // namespace

Result<DecodedKey> decode_key(const SchemeProfile& profile, const Secret& secret) {
    std::string_view text(secret.value);
    if (text.empty()) {
        return fail(ErrorKind::input, "secret from " + secret.label + " is empty");
    }
    if (!profile.ed25519_version.empty()) {
        if (text.substr(0, k_whsk.size()) == k_whsk) {
            return decode_ed25519(secret, true);
        }
        if (text.substr(0, k_whpk.size()) == k_whpk) {
            return decode_ed25519(secret, false);
        }
    }
    switch (profile.key_format) {
    case KeyFormat::raw:
        return DecodedKey{DecodedKey::Kind::hmac, secret.value};
    case KeyFormat::whsec_base64: {
        // Standard Webhooks and Svix: the key is the base64-decoded text after "whsec_".
        if (text.substr(0, k_whsec.size()) == k_whsec) {
            text.remove_prefix(k_whsec.size());
        }
        auto bytes = crypto::base64_decode(text);
        if (!bytes || bytes->empty()) {
            return fail(
                ErrorKind::input,
                "secret from " + secret.label + " is not a whsec_<base64> key (" +
                    (bytes ? std::string("nothing after the prefix") : bytes.error().message) +
                    ")");
        }
        return DecodedKey{DecodedKey::Kind::hmac, std::move(*bytes)};
    }
    case KeyFormat::base64:
    case KeyFormat::hex: {
        auto bytes = profile.key_format == KeyFormat::base64 ? crypto::base64_decode(text)
                                                             : crypto::hex_decode(text);
        if (!bytes || bytes->empty()) {
            return fail(ErrorKind::input,
                        "secret from " + secret.label + " is not valid " +
                            (profile.key_format == KeyFormat::base64 ? "base64" : "hex"));
        }
        return DecodedKey{DecodedKey::Kind::hmac, std::move(*bytes)};
    }
    }
    return fail(ErrorKind::config, "unknown key format");
}

} // namespace hooks::providers
