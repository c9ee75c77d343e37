package dev.pgbackfill.error;

public class NoUsableKeyException extends InvalidInputException {
    public NoUsableKeyException(String message) {
        super("key", message);
    }
}
