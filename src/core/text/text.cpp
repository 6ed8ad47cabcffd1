// SPDX-License-Identifier: MIT
#include "core/text/text.hpp"

namespace hooks::text {

std::string_view trim_blanks(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

std::string printable(std::string_view text) {
    constexpr size_t k_max_length = 40;
    std::string out;
    for (char c : text.substr(0, k_max_length)) {
        out.push_back((c >= 0x20 && c < 0x7f) ? c : '?');
    }
    return text.size() > k_max_length ? out + "..." : out;
}

} // namespace hooks::text
