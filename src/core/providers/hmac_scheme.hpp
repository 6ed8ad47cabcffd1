// SPDX-License-Identifier: MIT
/// The scheme for every provider that an HmacProfile describes.
#pragma once

#include "core/providers/hmac_profile.hpp"
#include "core/providers/scheme.hpp"

namespace hooks::providers {

/// Signs and verifies according to an HmacProfile. Versioned profiles with an
/// `ed25519_version` also take Standard Webhooks `whsk_`/`whpk_` Ed25519 keys.
class HmacScheme final : public Scheme {
  public:
    explicit HmacScheme(HmacProfile profile);

    const ProviderInfo& info() const override { return m_info; }
    const HmacProfile& profile() const { return m_profile; }
    Result<VerifyResult> verify(const VerifyInput& input) const override;
    Result<SignOutput> sign(const SignInput& input) const override;
    std::string describe_signed_content(const VerifyInput& input) const override;

  private:
    HmacProfile m_profile;
    ProviderInfo m_info;
};

/// A key ready to use: HMAC bytes, or an Ed25519 seed or public key.
struct DecodedKey {
    enum class Kind { hmac, ed25519_private, ed25519_public } kind = Kind::hmac;
    std::string bytes;
};

/// Turns a secret into key bytes per the profile's key format. Fails with a message that
/// names the secret's label and never its value.
Result<DecodedKey> decode_key(const HmacProfile& profile, const Secret& secret);

} // namespace hooks::providers
