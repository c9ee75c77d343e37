package dev.pgbackfill.coordinator.api;

import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.throttle.GlobalRateStore;
import java.util.HashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Cluster-wide settings: the global rows/s budget shared by every running job. */
@RestController
@RequestMapping("/api/settings")
public class SettingsController {
    private final GlobalRateStore rates;

    public SettingsController(Coordinator coordinator) {
        this.rates = new GlobalRateStore(coordinator.jobs().dataSource());
    }

    public record GlobalRate(Double rate) {
    }

    @GetMapping("/global-rate")
    public GlobalRate globalRate() {
        return new GlobalRate(rates.globalRate());
    }

    /** Body {@code {"rate": 5000}}; {@code {"rate": null}} removes the budget. */
    @PutMapping("/global-rate")
    public GlobalRate setGlobalRate(@RequestBody GlobalRate body) {
        rates.setGlobalRate(body.rate());
        return globalRate();
    }

    @GetMapping
    public Map<String, Object> all() {
        Map<String, Object> m = new HashMap<>();
        m.put("globalRate", rates.globalRate());
        return m;
    }
}
