// SPDX-License-Identifier: MIT
/// A provider that sends webhooks without any signature (Codex): listed so that `send` can
/// build its deliveries and `providers` can say so; verification always says why it cannot.
#pragma once

#include "core/providers/scheme.hpp"

namespace hooks::providers {

class UnsignedScheme final : public Scheme {
  public:
    UnsignedScheme(std::string name, std::string title, std::string summary);
    const ProviderInfo& info() const override { return m_info; }
    /// Always invalid: there is no signature to check.
    Result<VerifyResult> verify(const VerifyInput& input) const override;
    /// No headers, and a note that the provider does not sign.
    Result<SignOutput> sign(const SignInput& input) const override;
    std::string describe_signed_content(const VerifyInput& input) const override;
    /// Never detected: nothing in a request shows it.
    Evidence evidence_in(const message::Message& message) const override;

  private:
    ProviderInfo m_info;
};

} // namespace hooks::providers
