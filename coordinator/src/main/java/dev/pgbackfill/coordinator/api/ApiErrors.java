package dev.pgbackfill.coordinator.api;

import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.error.ErrorCode;
import dev.pgbackfill.error.PgbackfillException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Errors as JSON {@code {status, code, error, field}}: every {@link PgbackfillException} with the HTTP status and the
 * stable code of its {@link ErrorCode} (400 bad input, 404 unknown job, 409 a migration refused, 503 a dependency
 * is down, 500 a failure); 404 unknown endpoint, 405 wrong method, 500 anything else.
 */
@RestControllerAdvice
public class ApiErrors {

    @ExceptionHandler(PgbackfillException.class)
    ResponseEntity<Map<String, Object>> known(PgbackfillException e) {
        if (e.code().httpStatus() >= 500) {
            org.slf4j.LoggerFactory.getLogger(ApiErrors.class).warn("request failed: {}", e.getMessage());
        }
        return body(HttpStatus.valueOf(e.code().httpStatus()), e.code(), e.getMessage(), e instanceof InvalidInputException i ? i.field() : null);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
        return body(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_INPUT, "the request body is not valid JSON for this endpoint", null);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Map<String, Object>> badPath(MethodArgumentTypeMismatchException e) {
        return body(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_INPUT, "'" + e.getValue() + "' is not a valid " + e.getName(), e.getName());
    }

    @ExceptionHandler(org.springframework.web.servlet.resource.NoResourceFoundException.class)
    ResponseEntity<Map<String, Object>> noSuchPath(org.springframework.web.servlet.resource.NoResourceFoundException e) {
        return body(HttpStatus.NOT_FOUND, null, "no such endpoint: /" + e.getResourcePath() + "; see /v3/api-docs", null);
    }

    @ExceptionHandler(org.springframework.web.HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Map<String, Object>> wrongMethod(org.springframework.web.HttpRequestMethodNotSupportedException e) {
        return body(HttpStatus.METHOD_NOT_ALLOWED, null, e.getMethod() + " is not supported here; use " + e.getSupportedHttpMethods(), null);
    }

    /** Anything else is our fault, not the caller's: 500 with a pointer to the log (which has the details). */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, Object>> unexpected(Exception e) {
        org.slf4j.LoggerFactory.getLogger(ApiErrors.class).error("request failed", e);
        return body(HttpStatus.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL, "internal error (" + e.getClass().getSimpleName() + "); the coordinator's log has the details", null);
    }

    private static ResponseEntity<Map<String, Object>> body(HttpStatus status, ErrorCode code, String message, String field) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status.value());
        if (code != null) {
            m.put("code", code.code());
        }
        m.put("error", message);
        if (field != null) {
            m.put("field", field);
        }
        return ResponseEntity.status(status).body(m);
    }
}
