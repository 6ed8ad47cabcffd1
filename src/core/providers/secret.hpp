// SPDX-License-Identifier: MIT
/// A secret or key as the user gave it, with a label that is safe to print.
#pragma once

#include <string>

namespace hooks::providers {

/// The secret's bytes exactly as given, and where they came from ("--secret #1",
/// "--secret-file s.txt", "HOOKS_SECRET"). Only the label is ever printed.
struct Secret {
    std::string value;
    std::string label;
};

} // namespace hooks::providers
