// SPDX-License-Identifier: MIT
/// How `hooks listen` shows a delivery: a readable block per delivery, or one JSON line.
#pragma once

#include "cli/common_options.hpp"
#include "core/listen/receiver.hpp"

#include <iosfwd>

namespace hooks::cli {

struct PrintStyle {
    bool is_color = false;
    bool shows_headers = false;
};

/// The delivery as a few lines of text: a summary line, then what went wrong, the forward
/// result and the body. Untrusted text never reaches the terminal raw.
void print_delivery_text(const listen::Receipt& delivery, const PrintStyle& style,
                         std::ostream& out);

/// The delivery as one JSON line, "v": 1: the log record's fields as version 1 of the log had
/// them (body_b64 always, body_text too when the body is UTF-8) plus provider, event,
/// redelivery, envelope, simulated and forward.
void print_delivery_json(const listen::Receipt& delivery, std::ostream& out);

/// "512 B", "1.2 KiB", "3.4 MiB"
std::string format_size(std::size_t bytes);

} // namespace hooks::cli
