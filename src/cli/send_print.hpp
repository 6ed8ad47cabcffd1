// SPDX-License-Identifier: MIT
/// How `hooks send` shows a delivery: live lines as it goes, the result as text or one JSON
/// object, the request of --dry-run.
#pragma once

#include "core/send/delivery.hpp"

#include <iosfwd>

namespace hooks::cli {

/// The live text of a delivery: "POST URL  provider event  id ID", then one line per attempt.
/// Prints nothing for --json.
class DeliveryPrinter final : public send::DeliveryObserver {
  public:
    DeliveryPrinter(const send::Plan& plan, bool is_json, bool is_color, std::ostream& out)
        : m_plan(plan), m_is_json(is_json), m_is_color(is_color), m_out(out) {}

    void on_start(const send::PreparedDelivery& delivery) override;
    void on_attempt(const send::Attempt& attempt) override;

  private:
    const send::Plan& m_plan;
    bool m_is_json;
    bool m_is_color;
    std::ostream& m_out;
};

/// The result in text: the last response's headers (`shows_headers`) and body, then "delivered
/// after N attempts" or why not, and what the schedule would still do past --max-wait.
void print_result_text(const send::DeliveryResult& result, bool shows_headers, bool is_color,
                       std::ostream& out);

/// The result as one JSON object on a line, made safe for a terminal.
void print_result_json(const send::Plan& plan, const send::DeliveryResult& result,
                       std::ostream& out);

/// --dry-run: the request exactly as it would go on the wire and an equivalent curl command, or
/// both in one JSON object. Fails as http::to_wire() does.
Result<void> print_dry_run(const send::Plan& plan, const send::PreparedDelivery& delivery,
                           bool is_json, std::ostream& out);

} // namespace hooks::cli
