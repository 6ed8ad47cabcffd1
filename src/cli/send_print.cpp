// SPDX-License-Identifier: MIT
#include "cli/send_print.hpp"

#include "cli/body_view.hpp"
#include "cli/common_options.hpp"
#include "core/http/wire_request.hpp"
#include "core/text/duration.hpp"
#include "core/text/text.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

namespace hooks::cli {
namespace {

std::string shell_quote(std::string_view text) {
    std::string quoted = "'";
    for (char c : text) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

/// An equivalent curl command, one option per line, quoted for a POSIX shell.
std::string format_curl(const http::Url& url, const message::Message& request) {
    std::string command =
        "curl -X " + request.method + " " + shell_quote(url.origin() + request.target);
    for (const message::Header& header : request.headers) {
        command += " \\\n  -H " + shell_quote(header.name + ": " + header.value);
    }
    command += " \\\n  --data-binary " + shell_quote(request.body) + "\n";
    return command;
}

std::string describe_attempt(const send::Attempt& attempt) {
    std::string line = "attempt " + std::to_string(attempt.number) + ": ";
    if (attempt.response) {
        char latency[32];
        std::snprintf(latency, sizeof latency, "%.1f ms",
                      static_cast<double>(attempt.response->latency.count()) / 1000.0);
        line += std::to_string(attempt.response->status) + " in " + latency;
    } else {
        line += attempt.error->message;
    }
    if (attempt.decision.verdict != retry::Verdict::success) {
        line += "; " + attempt.decision.reason;
    }
    return line;
}

/// What the schedule would still do once --max-wait stopped waiting: "the schedule would retry
/// 7 more times, in 30m, 1h, ... (the last 3d 2h from now); --max-wait none waits for them".
std::string describe_waits_left(const std::vector<std::chrono::milliseconds>& waits) {
    std::string line = "stopped waiting (--max-wait): the schedule would retry " +
                       std::to_string(waits.size()) +
                       (waits.size() == 1 ? " more time" : " more times") + ", in ";
    std::chrono::milliseconds total{0};
    for (std::size_t i = 0; i < waits.size(); ++i) {
        line += (i == 0 ? "" : ", ") + text::format_duration(waits[i]);
        total += waits[i];
    }
    if (waits.size() > 1) {
        line += " (the last " + text::format_duration(total) + " from now)";
    }
    return line + "; --max-wait none waits for them";
}

nlohmann::json attempt_json(const send::Attempt& attempt) {
    nlohmann::json document = {{"attempt", attempt.number}};
    document["status"] =
        attempt.response ? nlohmann::json(attempt.response->status) : nlohmann::json(nullptr);
    document["latency_ms"] =
        attempt.response
            ? nlohmann::json(static_cast<double>(attempt.response->latency.count()) / 1000.0)
            : nlohmann::json(nullptr);
    document["error"] =
        attempt.error ? nlohmann::json(attempt.error->message) : nlohmann::json(nullptr);
    document["reason"] = attempt.decision.reason;
    return document;
}

/// --dry-run --json: the request that would go out, nothing sent.
void print_dry_run_json(const send::Plan& plan, const std::string& id,
                        const message::Message& request, const std::string& wire,
                        std::ostream& out) {
    nlohmann::json headers = nlohmann::json::array();
    for (const message::Header& header : request.headers) {
        headers.push_back({header.name, header.value});
    }
    nlohmann::json document = {{"v", 1},
                               {"dry_run", true},
                               {"id", id},
                               {"provider", plan.build.provider},
                               {"event", plan.build.event},
                               {"url", plan.url_text},
                               {"method", request.method},
                               {"target", request.target},
                               {"headers", headers},
                               {"body", request.body},
                               {"wire", wire},
                               {"curl", format_curl(plan.url, request)}};
    out << text::escape_json_for_terminal(
               document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        << '\n';
}

} // namespace

void DeliveryPrinter::on_start(const send::PreparedDelivery& delivery) {
    if (m_is_json) {
        return;
    }
    m_out << paint(terminal_safe(delivery.request.method), 1, m_is_color) << ' '
          << terminal_safe(m_plan.url_text) << "  " << m_plan.build.provider << ' '
          << terminal_safe(m_plan.build.event) << "  id " << terminal_safe(delivery.id) << '\n'
          << std::flush;
}

void DeliveryPrinter::on_attempt(const send::Attempt& attempt) {
    if (!m_is_json) {
        m_out << describe_attempt(attempt) << '\n' << std::flush;
    }
}

void print_result_text(const send::DeliveryResult& result, bool shows_headers, bool is_color,
                       std::ostream& out) {
    const send::Attempt& last = result.attempts.back();
    if (last.response) {
        if (shows_headers) {
            for (const message::Header& header : last.response->headers) {
                out << "  " << terminal_safe(header.name) << ": " << terminal_safe(header.value)
                    << '\n';
            }
        }
        std::string content_type;
        for (const message::Header& header : last.response->headers) {
            if (message::names_equal(header.name, "Content-Type")) {
                content_type = header.value;
            }
        }
        BodyViewOptions view;
        view.color = is_color;
        view.max_lines = 40;
        if (!last.response->body.empty()) {
            out << render_body(last.response->body, content_type, view);
        }
    }
    out << (result.is_success            ? paint("delivered", 32, is_color)
            : result.is_interrupted      ? paint("interrupted", 33, is_color)
            : !result.waits_left.empty() ? paint("not delivered", 31, is_color)
                                         : paint("failed", 31, is_color))
        << " after " << result.attempts.size()
        << (result.attempts.size() == 1 ? " attempt" : " attempts") << '\n';
    if (!result.waits_left.empty()) {
        out << describe_waits_left(result.waits_left) << '\n';
    }
}

void print_result_json(const send::Plan& plan, const send::DeliveryResult& result,
                       std::ostream& out) {
    nlohmann::json attempts = nlohmann::json::array();
    for (const send::Attempt& attempt : result.attempts) {
        attempts.push_back(attempt_json(attempt));
    }
    nlohmann::json document = {{"v", 1},
                               {"id", result.id},
                               {"provider", plan.build.provider},
                               {"event", plan.build.event},
                               {"url", plan.url_text},
                               {"delivered", result.is_success},
                               {"interrupted", result.is_interrupted},
                               {"attempts", attempts}};
    if (!result.waits_left.empty()) {
        nlohmann::json waits = nlohmann::json::array();
        for (std::chrono::milliseconds wait : result.waits_left) {
            waits.push_back(wait.count());
        }
        document["waits_left_ms"] = waits; // what the schedule would still do
    }
    if (const send::Attempt& last = result.attempts.back(); last.response) {
        nlohmann::json headers = nlohmann::json::array();
        for (const message::Header& header : last.response->headers) {
            headers.push_back({header.name, header.value});
        }
        document["response"] = {
            {"status", last.response->status}, {"headers", headers}, {"body", last.response->body}};
    }
    // The response body is the receiver's: made safe for a terminal, as listen --json does.
    out << text::escape_json_for_terminal(
               document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        << '\n';
}

Result<void> print_dry_run(const send::Plan& plan, const send::PreparedDelivery& delivery,
                           bool is_json, std::ostream& out) {
    // The very bytes the client writes for this request, but for a secret that the provider
    // sends itself (GitLab's token), which is never printed.
    message::Message request = delivery.request;
    if (plan.scheme != nullptr) {
        request.headers = without_secrets(std::move(request.headers), plan.scheme->info());
    }
    auto wire = http::to_wire(request, plan.url.authority());
    if (!wire) {
        return tl::unexpected(wire.error());
    }
    if (is_json) {
        print_dry_run_json(plan, delivery.id, request, wire->bytes, out);
    } else {
        out << wire->bytes << "\n\n# the same with curl:\n" << format_curl(plan.url, request);
    }
    return {};
}

} // namespace hooks::cli
