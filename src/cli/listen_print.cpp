// SPDX-License-Identifier: MIT
#include "cli/listen_print.hpp"

#include "cli/body_view.hpp"
#include "cli/common_options.hpp"
#include "core/crypto/encoding.hpp"
#include "core/text/text.hpp"

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <ostream>

namespace hooks::cli {
namespace {

std::string local_time(std::chrono::system_clock::time_point time) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm parts{};
    localtime_r(&seconds, &parts);
    auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count() %
        1000;
    char text[32];
    std::snprintf(text, sizeof text, "%02d:%02d:%02d.%03d", parts.tm_hour, parts.tm_min,
                  parts.tm_sec, static_cast<int>(millis));
    return text;
}

int status_colour(int status) {
    if (status >= 500) {
        return 31;
    }
    return status >= 400 ? 33 : 32;
}

std::string format_latency(std::chrono::microseconds latency) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f ms", static_cast<double>(latency.count()) / 1000.0);
    return text;
}

std::string content_type_of(const message::Message& request) {
    auto value = request.first_header("Content-Type");
    return value ? std::string(*value) : std::string();
}

void print_summary(const listen::Receipt& delivery, const PrintStyle& style, std::ostream& out) {
    const log::Record& record = delivery.record;
    bool color = style.is_color;
    out << paint(local_time(record.received_at), 2, color) << "  "
        << paint(terminal_safe(record.message.method), 1, color) << ' '
        << terminal_safe(record.message.target);
    if (!delivery.provider.empty()) {
        out << "  " << delivery.provider;
    }
    if (delivery.event_type) {
        out << ' ' << paint(terminal_safe(*delivery.event_type), 1, color);
    }
    if (record.verify) {
        out << "  "
            << (record.verify->ok ? paint("valid", 32, color) : paint("INVALID", 31, color));
    }
    out << "  " << format_size(record.message.body.size());
    if (record.response_status) {
        out << "  -> "
            << paint(std::to_string(*record.response_status),
                     status_colour(*record.response_status), color);
    }
    if (delivery.is_redelivery) {
        out << "  " << paint("redelivery", 33, color);
    }
    out << '\n';
}

void print_details(const listen::Receipt& delivery, const PrintStyle& style, std::ostream& out) {
    const log::Record& record = delivery.record;
    bool color = style.is_color;
    if (record.id) {
        out << "  id: " << terminal_safe(*record.id) << '\n';
    }
    if (record.verify && !record.verify->ok) {
        out << "  " << paint("invalid", 31, color) << ": " << terminal_safe(record.verify->reason)
            << '\n';
    }
    for (const std::string& problem : delivery.envelope_problems) {
        out << "  " << paint("envelope", 33, color) << ": " << terminal_safe(problem) << '\n';
    }
    if (!delivery.simulated.empty()) {
        out << "  simulated failure: " << delivery.simulated << '\n';
    }
    if (delivery.is_handshake) {
        out << "  answered " << delivery.provider << "'s handshake as the provider expects\n";
    }
    if (!delivery.log_error.empty()) {
        out << "  " << paint("not recorded", 31, color) << ": " << terminal_safe(delivery.log_error)
            << " (answered 500)\n";
    }
    if (const auto& forward = delivery.forward) {
        out << "  forwarded to " << terminal_safe(forward->url) << ": ";
        if (!forward->error.empty()) {
            out << paint("failed", 31, color) << ", " << terminal_safe(forward->error)
                << " (answered 502)\n";
        } else {
            out << paint(std::to_string(forward->status), status_colour(forward->status), color)
                << " in " << format_latency(forward->latency) << '\n';
        }
    }
    if (style.shows_headers) {
        for (const message::Header& header : record.message.headers) {
            out << "  " << paint(terminal_safe(header.name), 2, color) << ": "
                << terminal_safe(shown_value(header)) << '\n';
        }
        for (const message::Header& trailer : record.message.trailers) {
            out << "  " << paint("trailer " + terminal_safe(trailer.name), 2, color) << ": "
                << terminal_safe(shown_value(trailer)) << '\n';
        }
    }
}

void indent_into(const std::string& text, std::ostream& out) {
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        std::size_t stop = end == std::string::npos ? text.size() : end;
        out << "    " << std::string_view(text).substr(start, stop - start) << '\n';
        start = stop + 1;
    }
}

bool is_loopback(std::string_view host) {
    return host == "localhost" || host == "::1" || host.starts_with("127.");
}

} // namespace

std::string format_size(std::size_t bytes) {
    if (bytes < 1024) {
        return std::to_string(bytes) + " B";
    }
    char text[32];
    double value = static_cast<double>(bytes) / 1024.0;
    const char* unit = "KiB";
    if (value >= 1024.0) {
        value /= 1024.0;
        unit = "MiB";
    }
    std::snprintf(text, sizeof text, "%.1f %s", value, unit);
    return text;
}

void print_delivery_text(const listen::Receipt& delivery, const PrintStyle& style,
                         std::ostream& out) {
    print_summary(delivery, style, out);
    print_details(delivery, style, out);
    const message::Message& request = delivery.record.message;
    BodyViewOptions view;
    view.color = style.is_color;
    indent_into(render_body(request.body, content_type_of(request), view), out);
    if (const auto& forward = delivery.forward; forward && !forward->body.empty()) {
        out << "  app answered:\n";
        BodyViewOptions small = view;
        small.max_lines = 20;
        indent_into(render_body(forward->body, forward->content_type, small), out);
    }
    out << std::flush;
}

void print_delivery_json(const listen::Receipt& delivery, std::ostream& out) {
    auto document = nlohmann::json::parse(log::to_json_line(delivery.record));
    // --json keeps the fields it has always had, with "v": 1 (the CLI contract): body_b64
    // always, body_text too when the body is UTF-8. Only the log holds the body once.
    document["v"] = 1;
    if (!document.contains("body_b64")) {
        document["body_b64"] = crypto::base64_encode(delivery.record.message.body);
    }
    document["provider"] =
        delivery.provider.empty() ? nlohmann::json(nullptr) : nlohmann::json(delivery.provider);
    document["event"] =
        delivery.event_type ? nlohmann::json(*delivery.event_type) : nlohmann::json(nullptr);
    document["redelivery"] = delivery.is_redelivery;
    document["envelope"] = delivery.envelope_problems;
    document["simulated"] =
        delivery.simulated.empty() ? nlohmann::json(nullptr) : nlohmann::json(delivery.simulated);
    document["handshake"] = delivery.is_handshake;
    if (const auto& forward = delivery.forward) {
        document["forward"] = {{"url", forward->url},
                               {"status", forward->error.empty() ? nlohmann::json(forward->status)
                                                                 : nlohmann::json(nullptr)},
                               {"latency_ms", static_cast<double>(forward->latency.count()) / 1000},
                               {"error", forward->error.empty() ? nlohmann::json(nullptr)
                                                                : nlohmann::json(forward->error)}};
    }
    if (!delivery.log_error.empty()) {
        document["seq"] = nullptr; // not in the log: no place in it either
        document["log_error"] = delivery.log_error;
    }
    out << text::escape_json_for_terminal(
               document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        << '\n'
        << std::flush;
}

void ListenPrinter::on_delivery(const listen::Receipt& receipt) {
    if (m_is_quiet) {
        return;
    }
    std::lock_guard lock(m_mutex);
    m_is_json ? print_delivery_json(receipt, m_context.out)
              : print_delivery_text(receipt, m_style, m_context.out);
}

void ListenPrinter::on_rejection(const http::Rejection& rejection) {
    if (m_is_quiet) {
        return;
    }
    std::lock_guard lock(m_mutex);
    m_context.err << "hooks: rejected a request from " << rejection.remote;
    if (rejection.status != 0) {
        m_context.err << " with " << rejection.status;
    }
    m_context.err << ": " << rejection.reason << '\n' << std::flush;
}

void describe_start(const ListenOptions& options, bool checks_signatures, const log::Writer* log,
                    std::ostream& err) {
    if (!is_loopback(options.host)) {
        err << "hooks: warning: listening on " << options.host
            << ", reachable from other machines; deliveries are accepted from anyone who can "
               "reach it\n";
    }
    if (!options.provider.name.empty() && !checks_signatures) {
        err << "hooks: note: no secret given, signatures are not checked\n";
    }
    if (log != nullptr && !log->repair_note().empty()) {
        err << "hooks: warning: " << options.log_path << ": " << log->repair_note() << '\n';
    }
    if (auto mode = log != nullptr ? log->wide_mode() : std::nullopt) {
        char octal[8];
        std::snprintf(octal, sizeof octal, "%04o", *mode);
        err << "hooks: warning: " << options.log_path << " has mode " << octal
            << ": others can read the deliveries it records (chmod 600 " << options.log_path
            << ")\n";
    }
}

} // namespace hooks::cli
