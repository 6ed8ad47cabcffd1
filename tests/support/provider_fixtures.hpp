// SPDX-License-Identifier: MIT
/// Helpers for provider tests: sign with a built-in provider, then verify what was signed.
#pragma once

#include "core/providers/registry.hpp"

#include <string>
#include <vector>

namespace hooks::testing {

/// The built-in provider `name`; throws if it does not exist.
const providers::Scheme& builtin_provider(const std::string& name);

/// A message with `body` and the headers from `headers`.
message::Message make_message(std::vector<message::Header> headers, std::string body);

/// Signs `body` with `name` using one secret, a fixed id and `timestamp` (UNIX seconds).
std::vector<message::Header> sign_with(const std::string& name, const std::string& secret,
                                       const std::string& body, long long timestamp,
                                       const std::string& url = "");

/// Verifies `message` with `name` against `secrets` at `now` (UNIX seconds).
providers::VerifyResult verify_with(const std::string& name, const message::Message& message,
                                    const std::vector<std::string>& secrets, long long now,
                                    const std::string& url = "");

} // namespace hooks::testing
