package pcam;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * The slow lane: real training, child JVMs, TensorFlow graphs run many times, the bench suite.
 * {@code mvn verify} (and CI) runs everything; {@code mvn -Pfast test} leaves these out (README).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("slow")
public @interface Slow {}
