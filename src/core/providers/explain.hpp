// SPDX-License-Identifier: MIT
/// `verify --explain`: the signed content's shape and the likely causes of a mismatch, found by
/// re-verifying with the usual mistakes undone.
#pragma once

#include "core/providers/scheme.hpp"

#include <string>
#include <vector>

namespace hooks::providers {

/// What `--explain` prints below the one-line result.
struct Explanation {
    std::string signed_content;        ///< the content the scheme signs, body abbreviated
    std::string body_shape;            ///< "1024 bytes, compact JSON, no trailing newline"
    std::vector<std::string> findings; ///< likely causes, most specific first; never secret values
};

/// Explains `result` for `input`. Each finding that says "matches" was confirmed by verifying
/// the corrected message or key; the others are observations.
Explanation explain(const Scheme& scheme, const VerifyInput& input, const VerifyResult& result);

} // namespace hooks::providers
