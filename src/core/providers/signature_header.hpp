// SPDX-License-Identifier: MIT
/// Parsers for the list syntaxes that signature headers use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hooks::providers {

/// One element of a signature list: `v1,abc` gives {"v1", "abc"}; `t=1` gives {"t", "1"}.
struct SignatureEntry {
    std::string key;
    std::string value;
    bool operator==(const SignatureEntry&) const = default;
};

/// Standard Webhooks syntax: space-separated `version,signature` entries. Entries without a
/// comma are kept with an empty value under their whole text as key, so callers can name them.
std::vector<SignatureEntry> parse_versioned_list(std::string_view header);

/// Stripe/Paddle syntax: `key=value` pairs separated by `separator` (',' or ';'), spaces around
/// pairs ignored, repeated keys kept in order. A pair without '=' has an empty value.
std::vector<SignatureEntry> parse_key_value_list(std::string_view header, char separator);

} // namespace hooks::providers
