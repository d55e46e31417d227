package dev.tursosync.examples;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the internal types a class shows in its public signatures: its supertypes, and the parameter, return,
 * exception and field types (type arguments and bounds included) of its public and protected members.
 */
final class InternalSignatures {

    private static final String ENGINE = "dev.tursosync.internal.";

    private InternalSignatures() {
    }

    /**
     * The signatures of a class that name an internal type.
     *
     * @param type the class
     * @return {@code "Class.member: internal type"} per leak
     */
    static List<String> of(Class<?> type) {
        List<String> leaks = new ArrayList<>();
        check(type.getSimpleName() + " extends", type.getGenericSuperclass(), leaks);
        for (Type parent : type.getGenericInterfaces()) {
            check(type.getSimpleName() + " implements", parent, leaks);
        }
        for (Method method : type.getDeclaredMethods()) {
            if (visible(method)) {
                String where = type.getSimpleName() + "." + method.getName();
                check(where, method.getGenericReturnType(), leaks);
                checkAll(where, method.getGenericParameterTypes(), leaks);
                checkAll(where, method.getGenericExceptionTypes(), leaks);
            }
        }
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (visible(constructor)) {
                checkAll(type.getSimpleName() + ".<init>", constructor.getGenericParameterTypes(), leaks);
            }
        }
        for (Field field : type.getDeclaredFields()) {
            if (visible(field)) {
                check(type.getSimpleName() + "." + field.getName(), field.getGenericType(), leaks);
            }
        }
        return leaks;
    }

    private static boolean visible(Member member) {
        int modifiers = member.getModifiers();
        boolean generated = member instanceof Method method ? method.isSynthetic() || method.isBridge()
                : member.isSynthetic();
        return !generated && (Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers));
    }

    private static void checkAll(String where, Type[] types, List<String> leaks) {
        for (Type type : types) {
            check(where, type, leaks);
        }
    }

    private static void check(String where, Type type, List<String> leaks) {
        for (Class<?> named : named(type, new HashSet<>())) {
            if (named.getName().startsWith(ENGINE)) {
                leaks.add(where + ": " + named.getName());
            }
        }
    }

    /** The classes a generic type names, type arguments and bounds included. */
    private static List<Class<?>> named(Type type, Set<Type> seen) {
        List<Class<?>> classes = new ArrayList<>();
        if (type == null || !seen.add(type)) {
            return classes;
        }
        if (type instanceof Class<?> plain) {
            classes.add(plain.isArray() ? plain.getComponentType() : plain);
        } else if (type instanceof ParameterizedType parameterized) {
            classes.addAll(named(parameterized.getRawType(), seen));
            for (Type argument : parameterized.getActualTypeArguments()) {
                classes.addAll(named(argument, seen));
            }
        } else if (type instanceof WildcardType wildcard) {
            for (Type bound : wildcard.getUpperBounds()) {
                classes.addAll(named(bound, seen));
            }
            for (Type bound : wildcard.getLowerBounds()) {
                classes.addAll(named(bound, seen));
            }
        } else if (type instanceof GenericArrayType array) {
            classes.addAll(named(array.getGenericComponentType(), seen));
        } else if (type instanceof TypeVariable<?> variable) {
            for (Type bound : variable.getBounds()) {
                classes.addAll(named(bound, seen));
            }
        }
        return classes;
    }
}
