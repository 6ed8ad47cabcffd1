// SPDX-License-Identifier: MIT
/// Discord interactions: Ed25519 over timestamp + body, keys and signatures in hex.
#pragma once

#include "core/providers/scheme.hpp"

namespace hooks::providers {

/// Verifies with the application's public key (64 hex digits) and signs with a private key
/// (a 64-hex-digit seed). 128 hex digits, tweetnacl's seed-then-public-key form, work for both.
class DiscordScheme final : public Scheme {
  public:
    DiscordScheme();
    const ProviderInfo& info() const override { return m_info; }
    Result<VerifyResult> verify(const VerifyInput& input) const override;
    Result<SignOutput> sign(const SignInput& input) const override;
    std::string describe_signed_content(const VerifyInput& input) const override;
    Result<void> check_secrets(std::span<const Secret> secrets) const override;

  private:
    ProviderInfo m_info;
};

} // namespace hooks::providers
