// SPDX-License-Identifier: MIT
/// Turning a secret as the user gave it into key bytes, per a profile's key format.
#pragma once

#include "core/error.hpp"
#include "core/providers/scheme_profile.hpp"
#include "core/providers/secret.hpp"

#include <string>

namespace hooks::providers {

/// A key ready to use: HMAC bytes, or an Ed25519 seed or public key.
struct DecodedKey {
    enum class Kind { hmac, ed25519_private, ed25519_public } kind = Kind::hmac;
    std::string bytes;
};

/// Turns a secret into key bytes per the profile's key format. Fails with a message that
/// names the secret's label and never its value.
Result<DecodedKey> decode_key(const SchemeProfile& profile, const Secret& secret);

} // namespace hooks::providers
