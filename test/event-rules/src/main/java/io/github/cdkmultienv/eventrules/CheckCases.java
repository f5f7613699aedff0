package io.github.cdkmultienv.eventrules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import software.amazon.event.ruler.Machine;

/**
 * Reads the cases test/event-rules/cases.ts wrote ({"rules": {name: pattern}, "cases": [{"name",
 * "event", "matches": [rule names]}]}), compiles every rule into one Event Ruler machine, and checks
 * that each event matches exactly the rules its case expects (rulesForJSONEvent: the matching
 * EventBridge does). A pattern Event Ruler refuses fails too.
 */
public final class CheckCases {
  public static void main(String[] args) throws Exception {
    JsonNode input = new ObjectMapper().readTree(new File(args[0]));
    Machine machine = new Machine();
    for (Iterator<Map.Entry<String, JsonNode>> rules = input.get("rules").fields(); rules.hasNext();) {
      Map.Entry<String, JsonNode> rule = rules.next();
      machine.addRule(rule.getKey(), rule.getValue().toString());
    }
    List<String> failures = new ArrayList<>();
    int count = 0;
    for (JsonNode c : input.get("cases")) {
      count++;
      TreeSet<String> expected = new TreeSet<>();
      c.get("matches").forEach(m -> expected.add(m.asText()));
      TreeSet<String> actual = new TreeSet<>(machine.rulesForJSONEvent(c.get("event").toString()));
      String line = c.get("name").asText() + ": expected " + expected + ", matched " + actual;
      System.out.println((expected.equals(actual) ? "ok   " : "FAIL ") + line);
      if (!expected.equals(actual)) failures.add(line);
    }
    System.out.println(count + " events, " + input.get("rules").size() + " rules, " + failures.size() + " failed");
    if (!failures.isEmpty() || count == 0) System.exit(1);
  }
}
