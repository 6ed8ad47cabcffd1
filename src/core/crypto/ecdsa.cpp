// SPDX-License-Identifier: MIT
#include "core/crypto/ecdsa.hpp"

#include "core/crypto/encoding.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace hooks::crypto {
namespace {

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

const unsigned char* as_uchar(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

bool is_p256(EVP_PKEY* key) {
    char group[64] = {};
    size_t length = 0;
    return EVP_PKEY_is_a(key, "EC") == 1 &&
           EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                          &length) == 1 &&
           std::string_view(group, length) == "prime256v1";
}

// The key in PEM text, and whether it is private.
std::pair<EVP_PKEY*, bool> read_pem(std::string_view text) {
    BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), &BIO_free);
    if (!bio) {
        return {nullptr, false};
    }
    if (text.find("PRIVATE KEY") != std::string_view::npos) {
        return {PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), true};
    }
    return {PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), false};
}

// The key in DER bytes: SubjectPublicKeyInfo, else a private key (PKCS#8 or SEC 1).
std::pair<EVP_PKEY*, bool> read_der(std::string_view der) {
    const unsigned char* cursor = as_uchar(der);
    if (EVP_PKEY* key = d2i_PUBKEY(nullptr, &cursor, static_cast<long>(der.size()))) {
        return {key, false};
    }
    cursor = as_uchar(der);
    return {d2i_AutoPrivateKey(nullptr, &cursor, static_cast<long>(der.size())), true};
}

} // namespace

P256Key::P256Key(std::shared_ptr<EVP_PKEY> key, bool is_private)
    : m_key(std::move(key)), m_is_private(is_private) {}

Result<P256Key> P256Key::parse(std::string_view text) {
    std::pair<EVP_PKEY*, bool> read{nullptr, false};
    if (text.find("-----BEGIN") != std::string_view::npos) {
        read = read_pem(text);
    } else {
        std::string compact;
        for (char c : text) {
            if (c != '\n' && c != '\r' && c != ' ' && c != '\t') {
                compact += c;
            }
        }
        if (auto der = base64_decode(compact); der && !der->empty()) {
            read = read_der(*der);
        }
    }
    std::shared_ptr<EVP_PKEY> key(read.first, &EVP_PKEY_free);
    if (!key) {
        return fail(ErrorKind::input,
                    "not an ECDSA key (expected PEM, or the base64 of a DER public key)");
    }
    if (!is_p256(key.get())) {
        return fail(ErrorKind::input, "not a P-256 (prime256v1) ECDSA key");
    }
    return P256Key(std::move(key), read.second);
}

Result<std::string> P256Key::sign(std::string_view data) const {
    if (!m_is_private) {
        return fail(ErrorKind::usage, "signing needs the private key, not the public one");
    }
    MdCtxPtr context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    size_t length = 0;
    if (!context ||
        EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, m_key.get()) != 1 ||
        EVP_DigestSign(context.get(), nullptr, &length, as_uchar(data), data.size()) != 1) {
        return fail(ErrorKind::input, "ECDSA signing failed in OpenSSL");
    }
    std::string signature(length, '\0');
    if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       as_uchar(data), data.size()) != 1) {
        return fail(ErrorKind::input, "ECDSA signing failed in OpenSSL");
    }
    signature.resize(length);
    return signature;
}

bool P256Key::verify(std::string_view data, std::string_view der_signature) const {
    MdCtxPtr context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    return context &&
           EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, m_key.get()) == 1 &&
           EVP_DigestVerify(context.get(), as_uchar(der_signature), der_signature.size(),
                            as_uchar(data), data.size()) == 1;
}

} // namespace hooks::crypto
