package net.edgegw.aggregator.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import net.edgegw.aggregator.config.AggregatorConfig.Rule;
import net.edgegw.aggregator.config.AggregatorConfig.RuleScope;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.core.Envelope;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The health-signal rules of the configuration, compiled once, evaluated against each unique envelope of a site.
 * Three kinds (see {@link Rule}): event (match raises, clear clears; without a clear rule every match is a
 * momentary condition that the alarm hysteresis keeps open for {@code health.clearAfter}), threshold held for a
 * duration over a numeric field, and a sliding-window counter. All times are event times (the envelope's
 * {@code receivedAt}). Per-instance memory lives in {@link InstanceStates}, so the engine itself is immutable and
 * thread-safe.
 */
public final class RuleEngine {

    /** Longest message excerpt copied into evidence. */
    static final int MAX_EXCERPT = 300;

    private final List<Compiled> rules;

    /**
     * Compiles and validates {@code rules}.
     *
     * @throws IllegalArgumentException naming the rule and the problem
     */
    public RuleEngine(List<Rule> rules) {
        List<Compiled> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Rule r : rules) {
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("rules: duplicate rule name '" + r.name() + "'");
            }
            out.add(new Compiled(r));
        }
        this.rules = List.copyOf(out);
    }

    /** Whether any rule is configured. */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** The condition key of a rule instance: {@code r:<rule>|<host>|<key>}. */
    public static String conditionKey(String rule, String host, String key) {
        return "r:" + instanceKey(rule, host, key);
    }

    static String instanceKey(String rule, String host, String key) {
        return rule + '|' + (host == null ? "" : host) + '|' + (key == null ? "" : key);
    }

    /** Evaluates every rule against one unique record, emitting transitions in rule order. */
    public void onRecord(RecordView r, InstanceStates states, long nowWall, Consumer<Transition> out) {
        for (Compiled c : rules) {
            switch (c.kind) {
                case EVENT -> event(c, r, out);
                case THRESHOLD -> threshold(c, r, states, nowWall, out);
                case WINDOW -> window(c, r, states, nowWall, out);
            }
        }
    }

    private static void event(Compiled c, RecordView r, Consumer<Transition> out) {
        Envelope e = r.envelope();
        Map<String, String> g = c.match.apply(e);
        long at = e.receivedAt().toEpochMilli();
        String host = c.rule.scope() == RuleScope.DEVICE ? e.host() : null;
        if (g != null) {
            String key = c.rule.keyGroup() == null ? null : g.get(c.rule.keyGroup());
            ObjectNode ev = base(c, e);
            if (!g.isEmpty()) {
                ObjectNode groups = ev.putObject("groups");
                g.forEach(groups::put);
            }
            out.accept(new Transition(conditionKey(c.rule.name(), host, key), false, c.rule.name(), c.rule.signal(),
                    c.rule.severity(), c.rule.scope(), host, key, true, at, ev, null, summary(c, e, key)));
            if (c.clear == null) {
                out.accept(new Transition(conditionKey(c.rule.name(), host, key), false, c.rule.name(),
                        c.rule.signal(), c.rule.severity(), c.rule.scope(), host, key, false, at, ev, null, null));
            }
            return;
        }
        if (c.clear == null) {
            return;
        }
        Map<String, String> cg = c.clear.apply(e);
        if (cg == null) {
            return;
        }
        String key = c.rule.keyGroup() == null ? null : cg.get(c.rule.keyGroup());
        boolean prefix = c.rule.keyGroup() != null && key == null;
        String ck = prefix ? conditionKey(c.rule.name(), host, "") : conditionKey(c.rule.name(), host, key);
        out.accept(new Transition(ck, prefix, c.rule.name(), c.rule.signal(), c.rule.severity(), c.rule.scope(),
                host, key, false, at, base(c, e), null, null));
    }

    private static void threshold(Compiled c, RecordView r, InstanceStates states, long nowWall,
                                  Consumer<Transition> out) {
        Envelope e = r.envelope();
        Map<String, String> g = c.match.apply(e);
        if (g == null) {
            return;
        }
        Double v = c.field.read(r);
        if (v == null) {
            return;
        }
        String host = c.rule.scope() == RuleScope.DEVICE ? e.host() : null;
        String key = c.rule.keyGroup() == null ? null : g.get(c.rule.keyGroup());
        String ik = instanceKey(c.rule.name(), host, key);
        RuleInstance s = states.get(ik);
        if (s == null) {
            s = new RuleInstance();
        }
        long at = e.receivedAt().toEpochMilli();
        var t = c.rule.threshold();
        boolean outside = (t.above() != null && v > t.above()) || (t.below() != null && v < t.below());
        long hold = t.hold() == null ? 0 : t.hold().toMillis();
        s.lastValue = v;
        s.touchedWall = nowWall;
        Transition tr = null;
        if (outside) {
            s.okSince = -1;
            if (s.breachSince < 0) {
                s.breachSince = at;
            }
            if (!s.active && at - s.breachSince >= hold) {
                s.active = true;
                tr = thresholdTransition(c, e, host, key, true, s.breachSince, v, s.breachSince);
            }
        } else {
            s.breachSince = -1;
            if (s.active) {
                if (s.okSince < 0) {
                    s.okSince = at;
                }
                if (at - s.okSince >= hold) {
                    s.active = false;
                    tr = thresholdTransition(c, e, host, key, false, s.okSince, v, -1);
                    s.okSince = -1;
                }
            }
        }
        states.put(ik, s);
        if (tr != null) {
            out.accept(tr);
        }
    }

    private static Transition thresholdTransition(Compiled c, Envelope e, String host, String key, boolean raise,
                                                  long at, double v, long since) {
        var t = c.rule.threshold();
        ObjectNode ev = base(c, e);
        ev.put("field", t.field());
        ev.put("value", v);
        if (t.above() != null) {
            ev.put("above", t.above());
        }
        if (t.below() != null) {
            ev.put("below", t.below());
        }
        ev.put("hold", String.valueOf(t.hold()));
        if (since >= 0) {
            ev.put("since", Instant.ofEpochMilli(since).toString());
        }
        String summary = c.rule.signal() + " on " + where(e, host, key) + ": " + t.field() + " = " + v
                + (t.above() != null ? " above " + t.above() : " below " + t.below()) + " for " + t.hold();
        return new Transition(conditionKey(c.rule.name(), host, key), false, c.rule.name(), c.rule.signal(),
                c.rule.severity(), c.rule.scope(), host, key, raise, at, ev, null, raise ? summary : null);
    }

    private static void window(Compiled c, RecordView r, InstanceStates states, long nowWall,
                               Consumer<Transition> out) {
        Envelope e = r.envelope();
        Map<String, String> g = c.match.apply(e);
        if (g == null) {
            return;
        }
        String host = c.rule.scope() == RuleScope.DEVICE ? e.host() : null;
        String key = c.rule.keyGroup() == null ? null : g.get(c.rule.keyGroup());
        String ik = instanceKey(c.rule.name(), host, key);
        RuleInstance s = states.get(ik);
        if (s == null) {
            s = new RuleInstance();
        }
        long at = e.receivedAt().toEpochMilli();
        int count = c.rule.window().count();
        long size = c.rule.window().size().toMillis();
        s.times = insert(s.times, at, count);
        s.touchedWall = nowWall;
        states.put(ik, s);
        long newest = s.times[s.times.length - 1];
        if (s.times.length == count && newest - s.times[0] < size) {
            ObjectNode ev = base(c, e);
            ev.put("count", count);
            ev.put("window", c.rule.window().size().toString());
            ev.put("firstAt", Instant.ofEpochMilli(s.times[0]).toString());
            ev.put("lastAt", Instant.ofEpochMilli(newest).toString());
            String summary = c.rule.signal() + " on " + where(e, host, key) + ": " + count + " or more matches of "
                    + c.rule.name() + " within " + c.rule.window().size();
            out.accept(new Transition(conditionKey(c.rule.name(), host, key), false, c.rule.name(), c.rule.signal(),
                    c.rule.severity(), c.rule.scope(), host, key, true, at, ev, s.times[0] + size, summary));
        }
    }

    /** Inserts {@code t} in order and keeps the newest {@code max} entries. */
    static long[] insert(long[] times, long t, int max) {
        int pos = Arrays.binarySearch(times, t);
        if (pos < 0) {
            pos = -pos - 1;
        }
        long[] grown = new long[times.length + 1];
        System.arraycopy(times, 0, grown, 0, pos);
        grown[pos] = t;
        System.arraycopy(times, pos, grown, pos + 1, times.length - pos);
        return grown.length > max ? Arrays.copyOfRange(grown, grown.length - max, grown.length) : grown;
    }

    private static ObjectNode base(Compiled c, Envelope e) {
        ObjectNode ev = HealthJson.MAPPER.createObjectNode();
        ev.put("rule", c.rule.name());
        ev.put("recordId", e.id());
        ev.put("host", e.host());
        ev.put("receivedAt", e.receivedAt().toString());
        if (e.severity() != null) {
            ev.put("severity", e.severity());
        }
        if (e.message() != null) {
            ev.put("message", excerpt(e.message()));
        }
        return ev;
    }

    private static String summary(Compiled c, Envelope e, String key) {
        String text = e.message() == null ? c.rule.name() : excerpt(e.message());
        return c.rule.signal() + " on " + where(e, c.rule.scope() == RuleScope.DEVICE ? e.host() : null, key) + ": "
                + text;
    }

    private static String where(Envelope e, String host, String key) {
        return e.site() + (host == null ? "" : "/" + host) + (key == null ? "" : " " + key);
    }

    static String excerpt(String s) {
        return s.length() <= MAX_EXCERPT ? s : s.substring(0, MAX_EXCERPT) + "...";
    }

    private enum Kind { EVENT, THRESHOLD, WINDOW }

    /** One validated rule with its compiled parts. */
    private static final class Compiled {
        final Rule rule;
        final Kind kind;
        final CompiledMatch match;
        final CompiledMatch clear;
        final FieldPath field;

        Compiled(Rule r) {
            String where = "rules[" + r.name() + "]";
            this.rule = r;
            if (r.threshold() != null && r.window() != null) {
                throw new IllegalArgumentException(where + ": threshold and window are exclusive");
            }
            if (r.severity() < 0 || r.severity() > 7) {
                throw new IllegalArgumentException(where + ".severity: must be 0-7");
            }
            this.match = CompiledMatch.of(r.match(), where + ".match");
            this.clear = CompiledMatch.of(r.clear(), where + ".clear");
            if (r.threshold() != null) {
                kind = Kind.THRESHOLD;
                if (r.threshold().above() == null && r.threshold().below() == null) {
                    throw new IllegalArgumentException(where + ".threshold: needs above or below");
                }
                field = new FieldPath(r.threshold().field());
            } else if (r.window() != null) {
                kind = Kind.WINDOW;
                field = null;
                if (r.window().count() < 1 || r.window().size() == null || r.window().size().toMillis() < 1) {
                    throw new IllegalArgumentException(where + ".window: needs size > 0 and count >= 1");
                }
            } else {
                kind = Kind.EVENT;
                field = null;
            }
            if (r.clear() != null && kind != Kind.EVENT) {
                throw new IllegalArgumentException(where + ".clear: only event rules have a clear match");
            }
            if (r.keyGroup() != null && !match.groupNames().contains(r.keyGroup())) {
                throw new IllegalArgumentException(where + ".key: '" + r.keyGroup()
                        + "' is not a named group (?<" + r.keyGroup() + ">...) of match.message");
            }
        }
    }
}
