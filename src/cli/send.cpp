// SPDX-License-Identifier: MIT
// `hooks send`: a realistic, correctly signed delivery of a provider's event, with its retries.
#include "cli/commands.hpp"
#include "cli/send_load.hpp"
#include "cli/send_options.hpp"
#include "cli/send_print.hpp"
#include "cli/stop_signals.hpp"
#include "core/events/delivery_id.hpp"
#include "core/text/duration.hpp"

#include <ostream>

namespace hooks::cli {
namespace {

Result<int> send_one(const SendOptions& options, const send::Plan& plan, Context& context) {
    std::string id =
        options.id.empty() ? events::fresh_delivery_id(plan.build.provider) : options.id;
    // Built once: every attempt signs this same request.
    auto delivery = send::prepare(plan, id, *context.clock);
    if (!delivery) {
        return tl::unexpected(delivery.error());
    }
    if (options.is_dry_run) {
        auto printed = print_dry_run(plan, *delivery, options.output.is_json, context.out);
        return printed ? Result<int>(0) : tl::unexpected(printed.error());
    }
    bool is_color = should_color(options.output, context);
    DeliveryPrinter printer(plan, options.output.is_json, is_color, context.out);
    StopSignals signals; // Ctrl-C ends the delivery where it is, with what happened so far
    send::Environment environment{*context.clock, http::network(),
                                  [] { return StopSignals::is_stop_requested(); }};
    auto result = send::deliver(plan, *delivery, environment, printer);
    if (!result) {
        return tl::unexpected(result.error());
    }
    options.output.is_json
        ? print_result_json(plan, *result, context.out)
        : print_result_text(*result, options.shows_headers, is_color, context.out);
    if (!result->is_success) {
        const send::Attempt& last = result->attempts.back();
        std::string attempts = std::to_string(result->attempts.size()) +
                               (result->attempts.size() == 1 ? " attempt" : " attempts");
        if (result->is_interrupted) {
            return fail(ErrorKind::interrupted,
                        "interrupted: delivery " + id + " not delivered after " + attempts);
        }
        if (!result->waits_left.empty()) {
            return fail(ErrorKind::negative, "delivery " + id + " not delivered after " + attempts +
                                                 ": the next retry is in " +
                                                 text::format_duration(result->waits_left.front()) +
                                                 ", past --max-wait " + options.max_wait +
                                                 " (--max-wait none waits for the whole schedule)");
        }
        std::string why =
            last.error ? last.error->message + "; " + last.decision.reason : last.decision.reason;
        return fail(ErrorKind::negative,
                    "delivery " + id + " failed after " + attempts + ": " + why);
    }
    return 0;
}

Result<int> run_send(const SendOptions& options, Context& context) {
    auto registry = load_registry(options.provider);
    if (!registry) {
        return tl::unexpected(registry.error());
    }
    auto plan = make_plan(options, *registry, context);
    if (!plan) {
        return tl::unexpected(plan.error());
    }
    if (plan->build.event.empty()) {
        auto events = events::list_events(plan->build.provider);
        plan->build.event = events.empty() ? "" : events.front().name;
    }
    auto passes = passes_trigger(options, *plan, context);
    if (!passes || !*passes) {
        return passes ? Result<int>(0) : tl::unexpected(passes.error());
    }
    if (options.count > 1 || options.concurrency > 1) {
        if (options.is_dry_run) {
            return fail(ErrorKind::usage,
                        "--dry-run shows one request; drop --count/--concurrency");
        }
        return run_load(*plan, send::LoadOptions{options.count, options.concurrency},
                        options.output.is_json, context);
    }
    return send_one(options, *plan, context);
}

void add_payload_options(CLI::App& command, SendOptions& options) {
    command
        .add_option("--event", options.event,
                    "Event type (see 'hooks providers NAME'; default: the provider's first)")
        ->type_name("TYPE");
    command
        .add_option("--data", options.data,
                    "The event's data as JSON: inline, @FILE, or '-' for stdin (replaces the "
                    "sample's data inside the provider's envelope)")
        ->type_name("JSON|@FILE|-");
    command
        .add_option("--set", options.sets,
                    "Set one field of the body: a JSON Pointer or dotted path and a JSON value "
                    "(else a string), e.g. --set data.object.amount_paid=4200 (repeatable)")
        ->type_name("PATH=VALUE");
    command
        .add_option("--map", options.maps,
                    "Codex custom payload: a field NAME taken from the envelope at a JSON "
                    "Pointer, e.g. --map 'Id=/object/id' (repeatable, in order)")
        ->type_name("NAME=POINTER");
    command
        .add_option("--only-if-changed", options.only_if_changed,
                    "CodeNx field-level trigger: send only if FIELD differs between previous "
                    "and record")
        ->type_name("FIELD");
    command.add_option("--id", options.id, "Delivery id (default: fresh, in the provider's style)");
    command.add_option("--method", options.method,
                       "HTTP method (default: the provider's, POST; Codex allows any)");
}

void add_delivery_options(CLI::App& command, SendOptions& options) {
    add_retry_options(command, options.retry, "the provider's documented schedule");
    command.add_option("--count", options.count, "Send N distinct deliveries (fresh ids)")
        ->type_name("N")
        ->check(whole_number(1, 1LL << 32))
        ->capture_default_str();
    command.add_option("--concurrency", options.concurrency, "Connections used at once")
        ->type_name("C")
        ->check(whole_number(1, 1024))
        ->capture_default_str();
    command
        .add_option("--max-wait", options.max_wait,
                    "Stop retrying when the waits would add up to more than this, and print "
                    "what the schedule would still do; 'none' follows the whole schedule")
        ->type_name("DURATION|none")
        ->capture_default_str();
    command.add_flag("--dry-run", options.is_dry_run,
                     "Print the exact request and an equivalent curl command; send nothing");
    command.add_flag("-k,--insecure", options.is_insecure,
                     "Do not check the server's TLS certificate");
    command.add_option("--cacert", options.ca_file, "Trust the CA certificates in FILE (PEM)")
        ->type_name("FILE");
    command.add_flag("--show-headers", options.shows_headers, "Show the response headers");
}

} // namespace

void register_send(CLI::App& command, Context& context) {
    auto options = std::make_shared<SendOptions>();
    command.add_option("URL", options->url, "Where to send: http:// or https://")->required();
    add_provider_options(command, options->provider, "standard");
    command.get_option("--provider")
        ->description("The provider to imitate (see 'hooks providers')");
    add_secret_options(command, options->secrets,
                       "the signing secret (Ed25519 providers: the private key)");
    add_payload_options(command, *options);
    add_header_options(command, options->headers, false);
    add_delivery_options(command, *options);
    add_output_options(command, options->output);
    command.footer(
        "Exit status: 0 delivered (every delivery, with --count); 1 failed after retries;\n"
        "2 bad usage or input.\n"
        "Examples:\n"
        "  hooks send http://127.0.0.1:3000/webhooks --provider codenx --event record.updated \\\n"
        "      --secret-env CODENX_SECRET\n"
        "  hooks send http://127.0.0.1:3000/stripe --provider stripe --event invoice.paid \\\n"
        "      --set data.object.amount_paid=4200 --secret-env STRIPE_SECRET\n"
        "  hooks send http://127.0.0.1:3000/gh --provider github --event push --dry-run --secret "
        "s\n"
        "  hooks send http://127.0.0.1:9000 --provider codenx --secret s --count 1000 \\\n"
        "      --concurrency 16 --retries 0");
    command.callback([options, &context] {
        context.action = [options, &context] { return run_send(*options, context); };
    });
}

} // namespace hooks::cli
