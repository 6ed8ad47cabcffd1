// SPDX-License-Identifier: MIT
#include "core/crypto/hmac.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdexcept>

namespace hooks::crypto {
namespace {

const EVP_MD* evp_for(DigestAlgorithm algorithm) {
    switch (algorithm) {
    case DigestAlgorithm::sha1:
        return EVP_sha1();
    case DigestAlgorithm::sha256:
        return EVP_sha256();
    case DigestAlgorithm::sha512:
        return EVP_sha512();
    }
    return EVP_sha256();
}

} // namespace

Result<DigestAlgorithm> parse_digest_algorithm(std::string_view name) {
    if (name == "sha1") {
        return DigestAlgorithm::sha1;
    }
    if (name == "sha256") {
        return DigestAlgorithm::sha256;
    }
    if (name == "sha512") {
        return DigestAlgorithm::sha512;
    }
    return fail(ErrorKind::config, "unknown digest algorithm '" + std::string(name) +
                                       "' (use sha1, sha256 or sha512)");
}

std::string_view digest_name(DigestAlgorithm algorithm) {
    switch (algorithm) {
    case DigestAlgorithm::sha1:
        return "sha1";
    case DigestAlgorithm::sha256:
        return "sha256";
    case DigestAlgorithm::sha512:
        return "sha512";
    }
    return "sha256";
}

std::string hmac(DigestAlgorithm algorithm, std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int out_length = 0;
    // HMAC() with a null key pointer and zero length is valid; give it a real pointer anyway.
    static const unsigned char k_empty = 0;
    const void* key_pointer = key.empty() ? &k_empty : static_cast<const void*>(key.data());
    if (HMAC(evp_for(algorithm), key_pointer, static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
             &out_length) == nullptr) {
        throw std::runtime_error("OpenSSL HMAC failed");
    }
    return std::string(reinterpret_cast<const char*>(out), out_length);
}

std::string digest(DigestAlgorithm algorithm, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int out_length = 0;
    if (EVP_Digest(data.data(), data.size(), out, &out_length, evp_for(algorithm), nullptr) != 1) {
        throw std::runtime_error("OpenSSL digest failed");
    }
    return std::string(reinterpret_cast<const char*>(out), out_length);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_bytes(size_t count) {
    std::string out(count, '\0');
    if (count > 0 &&
        RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
        throw std::runtime_error("OpenSSL RAND_bytes failed");
    }
    return out;
}

} // namespace hooks::crypto
