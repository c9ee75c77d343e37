# Multi-stage build of the production jar (every command, no embedded PostgreSQL or Kafka) on Eclipse Temurin 21.
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY embedded/pom.xml embedded/
COPY testkit/pom.xml testkit/
COPY common/pom.xml common/
COPY coordinator/pom.xml coordinator/
COPY worker/pom.xml worker/
COPY migrations/pom.xml migrations/
COPY app/pom.xml app/
COPY demo/pom.xml demo/
COPY cluster-tests/pom.xml cluster-tests/
COPY spring-batch/pom.xml spring-batch/
RUN ./mvnw -B -q dependency:go-offline -DexcludeGroupIds=dev.pgbackfill || true
COPY . .
RUN ./mvnw -B -q -DskipTests install -pl app -am
# Plain jars on a class path: Spring Boot's layout for class-data sharing.
RUN java -Djarmode=tools -jar app/target/pgbackfill.jar extract --destination /opt/pgbackfill

FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 pgbackfill
COPY --from=build /opt/pgbackfill /opt/pgbackfill
# A class-data archive recorded while the client commands run against an in-process stub coordinator
# (`train-cache`), so that `pgbackfill pause` starts in a fraction of a second. It belongs to this runtime's JDK
# build and these jars, which is why it is recorded here, in the image that uses it.
# Without it (the recording failed) every command still runs, only slower to start.
RUN java -XX:ArchiveClassesAtExit=/opt/pgbackfill/pgbackfill.jsa -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
         -jar /opt/pgbackfill/pgbackfill.jar train-cache || echo "no class-data archive: client commands start slower"
USER pgbackfill
EXPOSE 8080
# Heap at half the container's memory: the rest is metaspace, thread stacks, code and Kafka's buffers. A worker with
# --threads 4 stays under 256 MB this way (docs/benchmarks.md, "Memory").
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-XX:SharedArchiveFile=/opt/pgbackfill/pgbackfill.jsa", "-Xlog:cds=off", \
            "-jar", "/opt/pgbackfill/pgbackfill.jar"]
CMD ["--help"]
