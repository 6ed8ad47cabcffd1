// SPDX-License-Identifier: MIT
#include "core/crypto/ed25519.hpp"

#include <memory>
#include <openssl/evp.h>

namespace hooks::crypto {
namespace {

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

const unsigned char* as_uchar(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

PkeyPtr private_key_from_seed(std::string_view seed) {
    return PkeyPtr(
        EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, as_uchar(seed), seed.size()),
        &EVP_PKEY_free);
}

} // namespace

Result<std::string> ed25519_public_key(std::string_view seed) {
    if (seed.size() != k_ed25519_seed_size) {
        return fail(ErrorKind::input,
                    "an Ed25519 private key is 32 bytes, got " + std::to_string(seed.size()));
    }
    PkeyPtr key = private_key_from_seed(seed);
    std::string out(k_ed25519_public_key_size, '\0');
    size_t length = out.size();
    if (!key || EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(out.data()),
                                            &length) != 1) {
        return fail(ErrorKind::input, "the Ed25519 private key was rejected by OpenSSL");
    }
    return out;
}

Result<std::string> ed25519_sign(std::string_view seed, std::string_view message) {
    if (seed.size() != k_ed25519_seed_size) {
        return fail(ErrorKind::input,
                    "an Ed25519 private key is 32 bytes, got " + std::to_string(seed.size()));
    }
    PkeyPtr key = private_key_from_seed(seed);
    MdCtxPtr context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::string signature(k_ed25519_signature_size, '\0');
    size_t length = signature.size();
    if (!key || !context ||
        EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       as_uchar(message), message.size()) != 1) {
        return fail(ErrorKind::input, "Ed25519 signing failed in OpenSSL");
    }
    return signature;
}

bool ed25519_verify(std::string_view public_key, std::string_view message,
                    std::string_view signature) {
    if (public_key.size() != k_ed25519_public_key_size ||
        signature.size() != k_ed25519_signature_size) {
        return false;
    }
    PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, as_uchar(public_key),
                                            public_key.size()),
                &EVP_PKEY_free);
    MdCtxPtr context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!key || !context ||
        EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
        return false;
    }
    return EVP_DigestVerify(context.get(), as_uchar(signature), signature.size(), as_uchar(message),
                            message.size()) == 1;
}

} // namespace hooks::crypto
