package dev.pgbackfill.error;

public class UnknownColumnException extends InvalidInputException {
    public UnknownColumnException(String field, String column, String table, String suggestion) {
        super(field, "column \"" + column + "\" not found in " + table + Suggestions.didYouMean(suggestion));
    }
}
