// SPDX-License-Identifier: MIT
/// The scheme for every provider that an SchemeProfile describes.
#pragma once

#include "core/providers/decoded_key.hpp"
#include "core/providers/scheme.hpp"
#include "core/providers/scheme_profile.hpp"

namespace hooks::providers {

/// Signs and verifies according to an SchemeProfile. Versioned profiles with an
/// `ed25519_version` also take Standard Webhooks `whsk_`/`whpk_` Ed25519 keys.
class ProfileScheme final : public Scheme {
  public:
    explicit ProfileScheme(SchemeProfile profile);

    const ProviderInfo& info() const override { return m_info; }
    const SchemeProfile& profile() const { return m_profile; }
    Result<VerifyResult> verify(const VerifyInput& input) const override;
    Result<SignOutput> sign(const SignInput& input) const override;
    std::string describe_signed_content(const VerifyInput& input) const override;
    Result<void> check_secrets(std::span<const Secret> secrets) const override;
    bool signs_url() const override {
        return m_profile.signed_content.find("{url}") != std::string::npos;
    }
    Evidence evidence_in(const message::Message& message) const override;

  private:
    SchemeProfile m_profile;
    ProviderInfo m_info;
};

} // namespace hooks::providers
