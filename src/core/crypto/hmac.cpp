// SPDX-License-Identifier: MIT
#include "core/crypto/hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <stdexcept>

namespace hooks::crypto {

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

namespace {

const char* openssl_name(DigestAlgorithm algorithm) {
    switch (algorithm) {
    case DigestAlgorithm::sha1:
        return "SHA1";
    case DigestAlgorithm::sha256:
        return "SHA256";
    case DigestAlgorithm::sha512:
        return "SHA512";
    }
    return "SHA256";
}

/// One keyed HMAC context per thread, reused while the algorithm and key stay the same:
/// `listen` checks every delivery with the same secret, and setting up a context (algorithm
/// fetch, key schedule) costs more than hashing a small body.
class ThreadHmac {
  public:
    ThreadHmac() = default;
    ThreadHmac(const ThreadHmac&) = delete;
    ThreadHmac& operator=(const ThreadHmac&) = delete;
    ~ThreadHmac() {
        EVP_MAC_CTX_free(m_context);
        OPENSSL_cleanse(m_key.data(), m_key.size());
    }

    std::string compute(DigestAlgorithm algorithm, std::string_view key, std::string_view data) {
        static EVP_MAC* const k_mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        if (k_mac == nullptr) {
            throw std::runtime_error("OpenSSL has no HMAC");
        }
        bool is_same_key = m_context != nullptr && m_algorithm == algorithm && m_key == key;
        if (!is_same_key) {
            EVP_MAC_CTX_free(m_context);
            m_context = EVP_MAC_CTX_new(k_mac);
            OSSL_PARAM params[] = {
                OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 const_cast<char*>(openssl_name(algorithm)), 0),
                OSSL_PARAM_construct_end()};
            static const unsigned char k_empty = 0;
            const auto* key_bytes =
                key.empty() ? &k_empty : reinterpret_cast<const unsigned char*>(key.data());
            if (m_context == nullptr ||
                EVP_MAC_init(m_context, key_bytes, key.size(), params) != 1) {
                EVP_MAC_CTX_free(m_context);
                m_context = nullptr;
                throw std::runtime_error("OpenSSL HMAC setup failed");
            }
            OPENSSL_cleanse(m_key.data(), m_key.size());
            m_key.assign(key);
            m_algorithm = algorithm;
        } else if (EVP_MAC_init(m_context, nullptr, 0, nullptr) != 1) {
            throw std::runtime_error("OpenSSL HMAC reset failed");
        }
        unsigned char out[EVP_MAX_MD_SIZE];
        std::size_t out_length = 0;
        if (EVP_MAC_update(m_context, reinterpret_cast<const unsigned char*>(data.data()),
                           data.size()) != 1 ||
            EVP_MAC_final(m_context, out, &out_length, sizeof out) != 1) {
            throw std::runtime_error("OpenSSL HMAC failed");
        }
        return std::string(reinterpret_cast<const char*>(out), out_length);
    }

  private:
    EVP_MAC_CTX* m_context = nullptr;
    DigestAlgorithm m_algorithm = DigestAlgorithm::sha256;
    std::string m_key;
};

/// A digest context per thread with the algorithms fetched once.
class ThreadDigest {
  public:
    ThreadDigest() = default;
    ThreadDigest(const ThreadDigest&) = delete;
    ThreadDigest& operator=(const ThreadDigest&) = delete;
    ~ThreadDigest() { EVP_MD_CTX_free(m_context); }

    std::string compute(DigestAlgorithm algorithm, std::string_view data) {
        static EVP_MD* const k_sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
        static EVP_MD* const k_sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
        static EVP_MD* const k_sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
        const EVP_MD* md = algorithm == DigestAlgorithm::sha1     ? k_sha1
                           : algorithm == DigestAlgorithm::sha512 ? k_sha512
                                                                  : k_sha256;
        if (m_context == nullptr) {
            m_context = EVP_MD_CTX_new();
        }
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int out_length = 0;
        if (md == nullptr || m_context == nullptr ||
            EVP_DigestInit_ex2(m_context, md, nullptr) != 1 ||
            EVP_DigestUpdate(m_context, data.data(), data.size()) != 1 ||
            EVP_DigestFinal_ex(m_context, out, &out_length) != 1) {
            throw std::runtime_error("OpenSSL digest failed");
        }
        return std::string(reinterpret_cast<const char*>(out), out_length);
    }

  private:
    EVP_MD_CTX* m_context = nullptr;
};

} // namespace

std::string hmac(DigestAlgorithm algorithm, std::string_view key, std::string_view data) {
    thread_local ThreadHmac context;
    return context.compute(algorithm, key, data);
}

std::string digest(DigestAlgorithm algorithm, std::string_view data) {
    thread_local ThreadDigest context;
    return context.compute(algorithm, data);
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
