package dev.pgbackfill.error;

public class UnknownTableException extends InvalidInputException {
    public UnknownTableException(String table, String suggestion) {
        super("table", "table " + table + " not found" + Suggestions.didYouMean(suggestion));
    }
}
