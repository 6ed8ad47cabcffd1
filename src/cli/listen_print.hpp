// SPDX-License-Identifier: MIT
/// How `hooks listen` shows a delivery: a readable block per delivery, or one JSON line.
#pragma once

#include "cli/common_options.hpp"
#include "cli/listen_options.hpp"
#include "core/listen/listener.hpp"

#include <iosfwd>
#include <mutex>

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

/// Prints each delivery (unless quiet) and each request the server answered itself, one at a
/// time: the listen engine's observer.
class ListenPrinter final : public listen::Observer {
  public:
    ListenPrinter(bool is_json, bool is_quiet, PrintStyle style, Context& context)
        : m_is_json(is_json), m_is_quiet(is_quiet), m_style(style), m_context(context) {}

    void on_delivery(const listen::Receipt& receipt) override;
    void on_rejection(const http::Rejection& rejection) override;

  private:
    bool m_is_json;
    bool m_is_quiet;
    PrintStyle m_style;
    Context& m_context;
    std::mutex m_mutex;
};

/// The notes and warnings under "Listening on": a non-loopback address, signatures not
/// checked, a repaired log, a log others can read.
void describe_start(const ListenOptions& options, bool checks_signatures, const log::Writer* log,
                    std::ostream& err);

/// "512 B", "1.2 KiB", "3.4 MiB"
std::string format_size(std::size_t bytes);

} // namespace hooks::cli
