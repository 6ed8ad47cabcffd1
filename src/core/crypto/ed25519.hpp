// SPDX-License-Identifier: MIT
/// Ed25519 signing and verification through OpenSSL's EVP API.
#pragma once

#include "core/error.hpp"

#include <string>
#include <string_view>

namespace hooks::crypto {

inline constexpr size_t k_ed25519_seed_size = 32;
inline constexpr size_t k_ed25519_public_key_size = 32;
inline constexpr size_t k_ed25519_signature_size = 64;

/// The 32-byte public key for a 32-byte private seed; fails on a wrong-sized seed.
Result<std::string> ed25519_public_key(std::string_view seed);

/// The 64-byte signature of `message` under the 32-byte private seed.
Result<std::string> ed25519_sign(std::string_view seed, std::string_view message);

/// Whether `signature` is a valid signature of `message` under the 32-byte public key.
/// Wrong-sized keys or signatures are simply invalid.
bool ed25519_verify(std::string_view public_key, std::string_view message,
                    std::string_view signature);

} // namespace hooks::crypto
