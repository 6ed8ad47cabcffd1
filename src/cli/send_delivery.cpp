// SPDX-License-Identifier: MIT
#include "cli/send_delivery.hpp"

#include "cli/version.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "core/http/wire_request.hpp"

#include <algorithm>
#include <thread>

namespace hooks::cli {
namespace {

/// Sets `name` to `value`, replacing every header of that name.
void put_header(std::vector<message::Header>& headers, const message::Header& header) {
    std::erase_if(headers, [&](const message::Header& existing) {
        return message::names_equal(existing.name, header.name);
    });
    headers.push_back(header);
}

/// The -H headers in the order given, duplicates kept, after `headers` without those of the
/// same names (any case): -H replaces a built-in header, and can repeat one.
void apply_extra_headers(std::vector<message::Header>& headers,
                         const std::vector<message::Header>& extra) {
    std::erase_if(headers, [&](const message::Header& existing) {
        return std::any_of(extra.begin(), extra.end(), [&](const message::Header& given) {
            return message::names_equal(existing.name, given.name);
        });
    });
    headers.insert(headers.end(), extra.begin(), extra.end());
}

std::string shell_quote(std::string_view text) {
    std::string quoted = "'";
    for (char c : text) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

/// Sleeps `wait`, or less when `should_stop` turns true (polled every 50 ms). Returns whether
/// the whole wait passed.
bool sleep_unless_stopped(std::chrono::milliseconds wait,
                          const std::function<bool()>& should_stop) {
    auto until = std::chrono::steady_clock::now() + wait;
    while (!should_stop || !should_stop()) {
        auto left = until - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) {
            return true;
        }
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
    }
    return false;
}

} // namespace

http::ClientOptions client_options(bool is_insecure, const std::string& ca_file,
                                   const retry::Schedule& schedule) {
    http::ClientOptions options;
    options.timeout = schedule.timeout;
    options.connect_timeout = std::min(schedule.timeout, std::chrono::milliseconds(5000));
    options.insecure = is_insecure;
    options.ca_file = ca_file;
    return options;
}

Result<message::Message> build_unsigned(const SendPlan& plan, const std::string& id,
                                        providers::UnixMillis created) {
    Result<events::BuiltDelivery> built;
    if (plan.deliveries) {
        built = plan.deliveries->build(id, created);
    } else {
        events::BuildInput input = plan.build;
        input.id = id;
        input.timestamp = created;
        built = events::build_delivery(input);
    }
    if (!built) {
        return tl::unexpected(built.error());
    }
    message::Message request;
    request.method = plan.method.empty() ? built->method : plan.method;
    request.target = plan.url.target;
    request.body = std::move(built->body);
    request.headers.push_back({"User-Agent", std::string("hooks/") + k_version});
    request.headers.push_back({"Accept", "*/*"});
    request.headers.push_back({"Content-Type", built->content_type});
    for (message::Header& header : built->headers) {
        put_header(request.headers, header);
    }
    return request;
}

Result<message::Message> sign_request(const SendPlan& plan, message::Message request,
                                      const std::string& id, providers::UnixMillis signed_at) {
    providers::SignInput sign;
    sign.body = request.body;
    sign.secrets = plan.secrets;
    sign.id = id;
    sign.timestamp = signed_at;
    sign.url = plan.url_text;
    sign.method = request.method;
    sign.headers = request.headers;
    auto signature = plan.scheme->sign(sign);
    if (!signature) {
        return tl::unexpected(signature.error());
    }
    for (const message::Header& header : signature->headers) {
        put_header(request.headers, header);
    }
    apply_extra_headers(request.headers, plan.extra_headers);
    for (const message::Header& header : request.headers) {
        if (auto valid = message::validate_header(header.name, header.value); !valid) {
            return tl::unexpected(valid.error());
        }
    }
    return request;
}

Result<message::Message> build_request(const SendPlan& plan, const std::string& id,
                                       providers::UnixMillis created,
                                       providers::UnixMillis signed_at) {
    auto request = build_unsigned(plan, id, created);
    if (!request) {
        return tl::unexpected(request.error());
    }
    return sign_request(plan, std::move(*request), id, signed_at);
}

Result<DeliveryResult> deliver(const SendPlan& plan, http::Client& client,
                               const message::Message& unsigned_request, const std::string& id,
                               const std::function<void(const Attempt&)>& on_attempt) {
    DeliveryResult result;
    result.id = id;
    std::chrono::milliseconds waited{0};
    for (int number = 1;; ++number) {
        // A retry is the same delivery: the same body and id, signed afresh (for the schemes
        // that sign a timestamp, the attempt's own).
        auto request = sign_request(plan, unsigned_request, id, plan.now());
        if (!request) {
            return tl::unexpected(request.error());
        }
        Attempt attempt;
        attempt.number = number;
        retry::Outcome outcome;
        auto response = client.send(*request);
        if (response) {
            outcome.status = response->status;
            outcome.headers = response->headers;
            attempt.response = std::move(*response);
        } else {
            outcome.is_timeout = response.error().failure == http::Failure::timeout;
            attempt.error = response.error();
        }
        attempt.decision = retry::decide(plan.schedule, number, outcome, plan.time_scale);
        if (plan.should_stop && plan.should_stop()) {
            // Ctrl-C during the attempt: it is reported as it ended, and nothing follows.
            attempt.decision.verdict = attempt.response && attempt.response->status / 100 == 2
                                           ? retry::Verdict::success
                                           : retry::Verdict::stop;
            result.is_interrupted = attempt.decision.verdict != retry::Verdict::success;
            if (result.is_interrupted) {
                attempt.decision.reason = "interrupted";
                attempt.decision.wait = std::chrono::milliseconds(0);
            }
        }
        if (on_attempt) {
            on_attempt(attempt);
        }
        retry::Verdict verdict = attempt.decision.verdict;
        std::chrono::milliseconds wait = attempt.decision.wait;
        result.attempts.push_back(std::move(attempt));
        if (verdict == retry::Verdict::success) {
            result.is_success = true;
            return result;
        }
        const Attempt& last = result.attempts.back();
        result.failure =
            last.response ? std::to_string(last.response->status) : last.error->message;
        if (verdict == retry::Verdict::stop) {
            return result;
        }
        if (plan.max_wait && waited + wait > *plan.max_wait) {
            // The wait just decided (Retry-After may have set it), then the schedule's rest.
            result.waits_left = {wait};
            auto rest = retry::waits_after(plan.schedule, number, plan.time_scale);
            result.waits_left.insert(result.waits_left.end(), rest.begin(), rest.end());
            return result;
        }
        if (!sleep_unless_stopped(wait, plan.should_stop)) {
            result.is_interrupted = true;
            return result;
        }
        waited += wait;
    }
}

Result<std::string> format_wire_request(const http::Url& url, const message::Message& request) {
    // The very bytes the client writes for this request.
    auto wire = http::to_wire(request, url.authority());
    if (!wire) {
        return tl::unexpected(wire.error());
    }
    return std::move(wire->bytes);
}

std::string format_curl(const http::Url& url, const message::Message& request) {
    std::string command =
        "curl -X " + request.method + " " + shell_quote(url.origin() + request.target);
    for (const message::Header& header : request.headers) {
        command += " \\\n  -H " + shell_quote(header.name + ": " + header.value);
    }
    command += " \\\n  --data-binary " + shell_quote(request.body) + "\n";
    return command;
}

} // namespace hooks::cli
