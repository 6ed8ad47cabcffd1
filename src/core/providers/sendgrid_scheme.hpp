// SPDX-License-Identifier: MIT
/// SendGrid's signed event webhook: a base64 DER ECDSA P-256/SHA-256 signature of the timestamp
/// followed by the raw body (which ends in CRLF), with SendGrid's private key. Receivers verify
/// with the public "verification key"; signing takes a P-256 private key the user generated,
/// for testing a receiver.
#pragma once

#include "core/providers/scheme.hpp"

namespace hooks::providers {

class SendgridScheme final : public Scheme {
  public:
    SendgridScheme();
    const ProviderInfo& info() const override { return m_info; }
    Result<VerifyResult> verify(const VerifyInput& input) const override;
    Result<SignOutput> sign(const SignInput& input) const override;
    std::string describe_signed_content(const VerifyInput& input) const override;
    Result<void> check_secrets(std::span<const Secret> secrets) const override;

  private:
    ProviderInfo m_info;
};

} // namespace hooks::providers
