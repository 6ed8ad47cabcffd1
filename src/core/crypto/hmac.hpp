// SPDX-License-Identifier: MIT
/// HMAC and message digests over raw bytes, through OpenSSL's EVP API.
#pragma once

#include "core/error.hpp"

#include <string>
#include <string_view>

namespace hooks::crypto {

/// A hash function that providers sign with.
enum class DigestAlgorithm { sha1, sha256, sha512 };

/// The algorithm for a name such as "sha256"; fails on unknown names.
Result<DigestAlgorithm> parse_digest_algorithm(std::string_view name);

/// The lower-case name of the algorithm ("sha256").
std::string_view digest_name(DigestAlgorithm algorithm);

/// HMAC of `data` under `key`, as raw bytes. An empty key is allowed here; callers reject it.
std::string hmac(DigestAlgorithm algorithm, std::string_view key, std::string_view data);

/// Digest of `data`, as raw bytes.
std::string digest(DigestAlgorithm algorithm, std::string_view data);

/// Compares two byte strings in time independent of their contents (CRYPTO_memcmp after a
/// length check; the lengths themselves are public).
bool constant_time_equal(std::string_view a, std::string_view b);

/// `count` cryptographically random bytes.
std::string random_bytes(size_t count);

} // namespace hooks::crypto
