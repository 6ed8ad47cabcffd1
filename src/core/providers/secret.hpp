// SPDX-License-Identifier: MIT
/// A secret or key as the user gave it, with a label that is safe to print.
#pragma once

#include <string>
#include <string_view>

namespace hooks::providers {

/// The secret's bytes exactly as given, and where they came from ("--secret #1",
/// "--secret-file s.txt", "HOOKS_SECRET"). Only the label is ever printed.
struct Secret {
    std::string value;
    std::string label;
};

/// What is shown in place of a secret that travels in a header (GitLab's token, Postmark's
/// Basic auth): by sign, send --dry-run, listen --show-headers and the inspector.
inline constexpr std::string_view k_secret_not_printed = "<secret, not printed>";

} // namespace hooks::providers
